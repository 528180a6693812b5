// How many tokens a register tile holds, as a type: the tile kernels are generic over these structs, so the JIT
// compiles one loop per count in which every test of Count is a constant and the unused accumulators disappear.
namespace Parley.Engine.Backends.Cpu.Kernels;

/// <summary>A compile-time token count of a register tile.</summary>
internal interface ITokenCount
{
    static abstract int Count { get; }
}

internal readonly struct OneToken : ITokenCount
{
    public static int Count => 1;
}

internal readonly struct TwoTokens : ITokenCount
{
    public static int Count => 2;
}

internal readonly struct ThreeTokens : ITokenCount
{
    public static int Count => 3;
}

internal readonly struct FourTokens : ITokenCount
{
    public static int Count => 4;
}

internal readonly struct FiveTokens : ITokenCount
{
    public static int Count => 5;
}

internal readonly struct SixTokens : ITokenCount
{
    public static int Count => 6;
}
