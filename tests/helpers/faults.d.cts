/** Typings for faults.cjs (fault injection for tests). */
export declare function installSimulatedDisk(dir: string, capacity: number): () => void;
export declare function installSqliteFull(flagFile: string): void;
export declare function installFromEnv(): void;
export declare function preloadEnv(extra: Record<string, string>): Record<string, string>;
