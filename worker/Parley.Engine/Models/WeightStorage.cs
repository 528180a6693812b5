namespace Parley.Engine.Models;

/// <summary>Where a checkpoint's bytes are read from while it is open.</summary>
public enum WeightStorage
{
    /// <summary>The files memory-mapped and read in place: nothing is copied, and the pages are the page cache's,
    /// shared with every process reading the same files. For a backend that reads each weight once (the CUDA backend
    /// uploads them).</summary>
    Mapped,

    /// <summary>The files read into memory aligned to 2 MiB and, on Linux, advised for transparent huge pages
    /// (<c>madvise(MADV_HUGEPAGE)</c>), so that a pass over the weights takes one TLB entry per 2 MiB instead of one per
    /// 4 KiB page. For a backend that streams every weight every step (the CPU backend): the memory is the process's
    /// own, not the page cache's.</summary>
    HugePages,
}
