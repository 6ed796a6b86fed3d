import { unzlibSync } from 'fflate';

/** The text a PDF draws: every hex string shown by a Tj in its (deflated) content streams, WinAnsi-decoded. */
export function pdfText(bytes: Uint8Array): string {
  const raw = new TextDecoder('latin1').decode(bytes);
  const shown: string[] = [];
  for (const match of raw.matchAll(/stream\r?\n/g)) {
    const start = match.index + match[0].length;
    const end = raw.indexOf('endstream', start);
    let content: string;
    try {
      content = new TextDecoder('latin1').decode(unzlibSync(bytes.slice(start, end)));
    } catch {
      continue;
    }
    for (const hex of content.matchAll(/<([0-9A-Fa-f]+)>\s*Tj/g))
      shown.push(
        new TextDecoder('windows-1252').decode(Uint8Array.from(hex[1]!.match(/../g)!, (h) => parseInt(h, 16))),
      );
  }
  return shown.join('\n');
}
