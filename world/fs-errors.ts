// File-system errors in words: what a failed read or write means to the user, never a bare error code.

const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of its path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  EEXIST: 'something is already there',
  EMFILE: 'too many files are open',
  EIO: 'the disk reported an input/output error',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'its path has a loop of symbolic links',
};

/** A file-system error as a short phrase ("the disk is full"); anything else as its own message. */
export function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  if (code && WORDS[code]) return WORDS[code];
  return e instanceof Error ? e.message : String(e);
}
