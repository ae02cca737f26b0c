export const ROOT: string;
export const BUNDLE: string;
export const INPUTS: string;
export function digest(file: string): string;
export function bundleIsCurrent(inputsFile?: string): boolean;
