/**
 * Files that are never read into a prompt nor completed in: secret-looking files, binary files,
 * files over 1 MB. (The user's .aiignore and .gitignore are applied by the workspace layer.)
 */
import * as path from 'node:path';

export const MAX_FILE_BYTES = 1024 * 1024;

const SECRET_PATTERNS: RegExp[] = [
  /^\.env(\..*)?$/i,
  /^\.envrc$/i,
  /\.(pem|key|p12|pfx|jks|keystore|crt|cer|der|asc|gpg|kdbx|ovpn)$/i,
  /^id_(rsa|dsa|ecdsa|ed25519)(\.pub)?$/i,
  /^\.?(npmrc|pypirc|netrc|git-credentials|htpasswd|pgpass)$/i,
  /^credentials(\.json)?$/i,
  /^secrets?\.(json|ya?ml|toml|txt)$/i,
  /^service[-_]?account.*\.json$/i,
  /^known_hosts$/i,
  /^authorized_keys$/i,
];

/** Secret-looking by file name (any directory). */
export function isSecretPath(p: string): boolean {
  const base = path.basename(p);
  if (SECRET_PATTERNS.some((re) => re.test(base))) return true;
  const parts = p.split(/[\\/]/);
  return parts.includes('.ssh') || parts.includes('.aws') || parts.includes('.gnupg');
}

/** A NUL byte in the first 8 KB, or a high share of control characters, means binary. */
export function looksBinary(text: string): boolean {
  const head = text.slice(0, 8192);
  // Fast path (nearly every source file): no control character at all.
  if (!/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(head)) return false;
  if (head.includes('\u0000')) return true;
  let ctrl = 0;
  for (let i = 0; i < head.length; i++) {
    const c = head.charCodeAt(i);
    if (c < 9 || (c > 13 && c < 32) || c === 0xfffd) ctrl++;
  }
  return head.length > 0 && ctrl / head.length > 0.1;
}

export type ExclusionReason = 'secret' | 'binary' | 'too-large' | undefined;

/** Why a document may not be used; undefined when it may. */
export function exclusionReason(p: string | undefined, text: string): ExclusionReason {
  if (p && isSecretPath(p)) return 'secret';
  if (text.length > MAX_FILE_BYTES) return 'too-large';
  if (looksBinary(text)) return 'binary';
  return undefined;
}
