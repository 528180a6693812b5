// The KV cache's unit, shared by the planner (which sizes contexts in whole blocks) and the worker (whose block pool
// hands them out); the worker reports its own in /v1/parley/info and a contract test holds the engine to this value.
namespace Parley.Api.Contracts;

/// <summary>KV cache blocks.</summary>
public static class KvBlocks
{
    /// <summary>Tokens per block: vLLM's default; smaller blocks waste less but cost more block-table entries.</summary>
    public const int Size = 16;
}
