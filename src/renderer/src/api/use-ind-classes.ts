import { useLive } from './context';

export interface IndClass {
  id: number;
  name: string;
  imageCount: number;
  datasetName: string;
}

/** Every class of every InD training set: what prompts, generation and the gallery filter by. */
export function useIndClasses(): IndClass[] | undefined {
  const r = useLive(
    async (api) => {
      const sets = (await api.call('dataset.list', {})).filter((d) => d.kind === 'ind-train');
      const per = await Promise.all(sets.map(async (d) => (await api.call('dataset.classes', { datasetId: d.id })).map((c) => ({ ...c, datasetName: d.name }))));
      return per.flat();
    },
    ['datasets', 'images'],
  );
  return r.data;
}
