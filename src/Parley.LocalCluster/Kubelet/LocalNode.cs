// The Node the local pods run on: a GPU node as NVIDIA GPU Feature Discovery labels one, so the planner has a GPU to
// size for. Its GPU is never used (workers run on the CPU); it only makes the plan the operator renders valid.
using System.Text.Json.Nodes;

namespace Parley.LocalCluster.Kubelet;

/// <summary>The default node of a local cluster.</summary>
public static class LocalNode
{
    public const string DefaultName = "local-gpu";

    /// <summary>One node with one 24 GiB NVIDIA L4: small enough to be honest about a workstation, large enough for the demo
    /// and for the catalog's small models.</summary>
    public static JsonObject Default() => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Node",
        ["metadata"] = new JsonObject
        {
            ["name"] = DefaultName,
            ["labels"] = new JsonObject
            {
                ["kubernetes.io/hostname"] = DefaultName,
                ["nvidia.com/gpu.product"] = "NVIDIA-L4",
                ["nvidia.com/gpu.memory"] = "23034",
                ["nvidia.com/gpu.count"] = "1",
            },
        },
        ["status"] = new JsonObject
        {
            ["allocatable"] = new JsonObject { ["cpu"] = "8", ["memory"] = "32Gi", ["nvidia.com/gpu"] = "1" },
            ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True" }),
        },
    };
}
