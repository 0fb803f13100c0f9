package diag

import "syscall"

// statDisk reports the free (to an unprivileged user, as SQLite sees it)
// and total bytes of the file system holding path.
func statDisk(path string) (free, total uint64, err error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		return 0, 0, err
	}
	bs := uint64(st.Bsize)
	return st.Bavail * bs, st.Blocks * bs, nil
}
