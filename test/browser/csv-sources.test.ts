// loadCSV / readCSVRecords on the sources a browser has (Blob, web ReadableStream, text in memory), and the
// tokenizer's chunk-boundary behaviour. Runs under Node; the browser test loads the same module in Chromium.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/core/errors.js';
import { loadCSV, readCSVRecords } from '../../src/data/csv.js';
import type { TrialSchema } from '../../src/data/schema.js';

const schema: TrialSchema = {
  treatment: 'arm',
  control: 'ctl',
  response: 'y',
  cost: 'c',
  categorical: ['seg', 'note'],
};
const TEXT = '\uFEFFarm,y,c,seg,note\r\nctl,1,0,"a,b","say ""hi"""\r\n\r\ntreat,0,2,é,"two\nlines"\nctl,0,0,"a,b",x';

async function records(source: Parameters<typeof readCSVRecords>[0]): Promise<[readonly string[], unknown[]]> {
  let header: readonly string[] = [];
  const out: unknown[] = [];
  for await (const r of readCSVRecords(source, (h) => {
    header = h;
  }))
    out.push([r.line, ...r.values]);
  return [header, out];
}

const EXPECTED: [readonly string[], unknown[]] = [
  ['arm', 'y', 'c', 'seg', 'note'],
  [
    [2, 'ctl', '1', '0', 'a,b', 'say "hi"'],
    [5, 'treat', '0', '2', 'é', 'two\nlines'],
    [6, 'ctl', '0', '0', 'a,b', 'x'],
  ],
];

function webStream<T>(chunks: T[]): ReadableStream<T> {
  return new ReadableStream<T>({
    start(c) {
      for (const x of chunks) c.enqueue(x);
      c.close();
    },
  });
}

describe('CSV sources without Node streams', () => {
  it('reads text in memory, a Blob, a web stream of bytes and a Node stream alike', async () => {
    const bytes = new TextEncoder().encode(TEXT);
    expect(await records([TEXT])).toEqual(EXPECTED);
    expect(await records(new Blob([TEXT]))).toEqual(EXPECTED);
    expect(await records(webStream([bytes.slice(0, 7), bytes.slice(7)]))).toEqual(EXPECTED);
    expect(await records(Readable.from([Buffer.from(bytes)]))).toEqual(EXPECTED);
    const data = await loadCSV(new Blob([TEXT]), schema);
    expect(data.n).toBe(3);
    expect(data.featureNames).toEqual(['seg=a,b', 'seg=é', 'note=say "hi"', 'note=two\nlines', 'note=x']);
  });

  it('gives the same records however the bytes are split (multi-byte characters and CRLF cut in two)', async () => {
    const bytes = new TextEncoder().encode(TEXT);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const got = await records([bytes.slice(0, cut), bytes.slice(cut)]);
      expect(got, `cut at byte ${cut}`).toEqual(EXPECTED);
    }
    const oneByOne = Array.from(bytes, (b) => Uint8Array.of(b));
    expect(await records(oneByOne)).toEqual(EXPECTED);
  });

  it('stops reading a web stream when the caller stops early', async () => {
    let cancelled = false;
    const stream = new ReadableStream<string>({
      pull(c) {
        c.enqueue('a,b\n1,2\n');
      },
      cancel() {
        cancelled = true;
      },
    });
    let n = 0;
    for await (const _ of readCSVRecords(stream, () => undefined)) if (++n === 3) break;
    expect(cancelled).toBe(true);
  });

  it('names the line of malformed quoting', async () => {
    const cases: [string, RegExp, number][] = [
      // An unclosed quote is reported on the line it opened on (the end of the file may be far away).
      ['a,b\n1,"open\n2,3\n', /quoted field opened on line 2 is never closed/, 2],
      ['a,b\n1,x"y\n', /a quote inside an unquoted field/, 2],
      ['a,b\n1,2\n3,"q"z\n', /unexpected "z" after the closing quote/, 3],
    ];
    for (const [text, pattern, line] of cases) {
      const err = await records([text]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).message).toMatch(pattern);
      expect((err as ValidationError).issues[0]?.path).toEqual(['line', line]);
    }
  });

  it('rejects a source it cannot read, keeps a trailing empty field and takes another delimiter', async () => {
    await expect(records(42 as never)).rejects.toThrow(/expected a file path, a Node or web stream/);
    expect(await records(['a,b\n1,'])).toEqual([['a', 'b'], [[2, '1', '']]]);
    const semi: unknown[] = [];
    for await (const r of readCSVRecords(['a;b\n1;"2;3"'], () => undefined, { delimiter: ';' })) semi.push(r.values);
    expect(semi).toEqual([['1', '2;3']]);
  });
});
