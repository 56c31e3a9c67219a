/** The library's version, stamped into every serialized artifact. Kept equal to package.json's by a test. */
export const VERSION = '0.1.0';
