using Parley.Api.Contracts;
using Parley.Engine.Scheduling;
using Parley.Tuning;

namespace Parley.Contract.Tests;

public class KvBlockTests
{
    [Fact]
    public void ThePlannerAndTheEngine_CountKvInTheContractsBlocks()
    {
        // The planner rounds contexts to whole blocks of this size; an engine with other blocks would get other counts.
        BlockPool.BlockSize.Should().Be(KvBlocks.Size);
        KvBudget.BlockSize.Should().Be(KvBlocks.Size);
    }
}
