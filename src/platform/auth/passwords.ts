import argon2 from 'argon2';

// OWASP's argon2id baseline (19 MiB, t=2, p=1): strong, and cheap enough that login stays fast on 2 cores.
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export async function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, OPTIONS);
}

// Verified against when the email is unknown, so a miss costs the same time as a wrong password.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(hash: string | null | undefined, password: string): Promise<boolean> {
  const target = hash ?? (await (dummyHash ??= hashPassword('converse-timing-equalizer')));
  try {
    const ok = await argon2.verify(target, password);
    return ok && hash != null;
  } catch {
    return false;
  }
}
