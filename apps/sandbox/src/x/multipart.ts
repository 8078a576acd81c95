export interface MultipartPart {
  readonly name: string;
  readonly filename?: string;
  readonly contentType?: string;
  readonly data: Buffer;
}

/**
 * A minimal multipart/form-data reader. Needed because twitter-api-v2 sends the `media` chunk without a filename,
 * which multer silently drops; this keeps every part, binary-safe.
 */
export function parseMultipart(body: Buffer, contentType: string): MultipartPart[] | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  if (boundary === null) return null;
  const opening = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const delimiter = Buffer.concat([Buffer.from('\r\n'), opening]);
  let cursor = body.indexOf(opening);
  if (cursor === -1) return null;
  cursor += opening.length;
  const parts: MultipartPart[] = [];
  while (body.subarray(cursor, cursor + 2).toString('latin1') === '\r\n') {
    const end = body.indexOf(delimiter, cursor + 2);
    if (end === -1) return null;
    const part = body.subarray(cursor + 2, end);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd === -1) return null;
    const headers = part.subarray(0, headerEnd).toString('utf8').split('\r\n');
    const header = (name: string): string | undefined =>
      headers.find((line) => line.toLowerCase().startsWith(`${name}:`))?.slice(name.length + 1).trim();
    const disposition = header('content-disposition') ?? '';
    const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
    if (name !== undefined) {
      parts.push({ name, filename: /\bfilename="([^"]*)"/i.exec(disposition)?.[1], contentType: header('content-type'), data: part.subarray(headerEnd + 4) });
    }
    cursor = end + delimiter.length;
  }
  return parts;
}
