// Which content types an HTTP edge accepts: the media type by its grammar (RFC 9110), and UTF-8 as the only charset.

export interface MediaType {
  /** `type/subtype`, lower case. */
  readonly type: string;
  readonly charset?: string;
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** Parses a Content-Type header; undefined when it is absent or not a media type. */
export function mediaTypeOf(header: string | undefined): MediaType | undefined {
  if (header === undefined) return undefined;
  const [essence, ...params] = header.split(';');
  const type = essence!.trim().toLowerCase();
  const [main, sub, ...rest] = type.split('/');
  if (rest.length || !main || !sub || !TOKEN.test(main) || !TOKEN.test(sub)) return undefined;
  let charset: string | undefined;
  for (const p of params) {
    const eq = p.indexOf('=');
    if (eq < 0) continue;
    if (p.slice(0, eq).trim().toLowerCase() !== 'charset') continue;
    charset = p
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return charset === undefined ? { type } : { type, charset };
}

/** Why a content type is refused (a 415), or undefined when it is one of `accepted` in UTF-8 (or with no charset). */
export function contentTypeProblem(header: string | undefined, accepted: readonly string[]): string | undefined {
  const want = accepted.join(' or ');
  const media = mediaTypeOf(header);
  if (!media) return header === undefined ? `no content type; send ${want}` : `unreadable content type; send ${want}`;
  if (!accepted.includes(media.type)) return `content type ${media.type} is not accepted; send ${want}`;
  if (media.charset !== undefined && media.charset !== 'utf-8')
    return `charset ${media.charset.slice(0, 40)} is not accepted; send UTF-8`;
  return undefined;
}
