namespace Parley.Engine.Backends.Cpu;

/// <summary>How a product over a run of weight rows links to what its thread multiplies before and after it: whether
/// the run before already brought this run's first block into L2, and the first block the thread multiplies next
/// (<see cref="CpuLinear.BlockAt"/>), which this run's last block brings in while it computes.</summary>
internal readonly unsafe struct RunLinks(bool isFirstBlockFetched, byte* next, long nextBytes)
{
    public bool IsFirstBlockFetched { get; } = isFirstBlockFetched;

    /// <summary>The next run's first block; null when the thread has nothing next or nothing to prefetch for it.</summary>
    public byte* Next { get; } = next;

    public long NextBytes { get; } = next == null ? 0 : nextBytes;
}
