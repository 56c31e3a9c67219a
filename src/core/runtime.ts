/** Whether this code runs under Node (as opposed to a browser or a web worker). */
export function isNode(): boolean {
  return typeof process !== 'undefined' && typeof process.versions?.node === 'string';
}
