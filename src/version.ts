/** The engine's version: part of every report and of future cache keys. Kept equal to package.json by a test. */
export const ENGINE_VERSION = '0.1.0';
