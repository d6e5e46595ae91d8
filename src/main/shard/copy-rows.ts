// The generic row copier lives in the store (it writes SQL); shard code keeps importing it from here.
export { copyRows, inList } from '../store/copy-rows';
