export const ROOT: string;
export const BUNDLE: string;
export const INPUTS: string;
export function codeCacheFor(command?: string): string;
export function digest(file: string): string;
export function bundleIsCurrent(inputsFile?: string): boolean;
export function loadBundle(bundle?: string, codeCache?: string): { main(): Promise<void> };
export function loadWithCodeCache(file: string, codeCache: string): unknown;
export function keepInCache(file: string, data: string | Uint8Array): void;
