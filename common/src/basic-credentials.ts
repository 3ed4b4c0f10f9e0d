/** A user name and password, as HTTP basic authentication carries them. */
export interface BasicCredentials {
  username: string;
  password: string;
}

/** The credentials of a basic `Authorization` header; undefined for any other or a malformed one. */
export function parseBasicCredentials(header: string | undefined): BasicCredentials | undefined {
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0
    ? undefined
    : { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
