// The mode of a path in a container as the archive API reports it (ContainerPathStat.mode): Go's os.FileMode,
// whose type bits sit high (folders have bit 31 set, symlinks bit 27), not a POSIX st_mode. Pure.
const GO_MODE_DIR = 2 ** 31;
const GO_MODE_SYMLINK = 2 ** 27;
export const isDirMode = (mode: number): boolean => Math.floor(mode / GO_MODE_DIR) % 2 === 1;
export const isSymlinkMode = (mode: number): boolean => Math.floor(mode / GO_MODE_SYMLINK) % 2 === 1;
