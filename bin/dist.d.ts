// Types of bin/dist.js (plain JavaScript: it runs before any TypeScript loader).
export declare const root: string;
export declare const STAMP: string;
export declare function distIsFresh(): boolean;
export declare const HELP_SNAPSHOT: string;
export declare function freshFor(files: readonly string[]): boolean;
