// model.source: demo is planned from the catalog's Demo entry and served from the worker's DemoModel.Spec: the two
// must describe the same checkpoint, or the plan sizes a model the worker does not load.
using Parley.Engine.Models;
using Parley.Tuning;
using Parley.Tuning.Catalog;
using Parley.Worker.Serving;

namespace Parley.Contract.Tests;

public class DemoModelTests
{
    [Fact]
    public void CatalogDemo_IsTheArchitectureOfTheWorkersDemoModel()
    {
        var spec = DemoModel.Spec;

        ModelCatalog.Demo.Should().BeEquivalentTo(new
        {
            spec.ModelType, spec.NumHiddenLayers, spec.HiddenSize, spec.IntermediateSize, spec.NumAttentionHeads, spec.NumKeyValueHeads,
            spec.MaxPositionEmbeddings, spec.TieWordEmbeddings, spec.VocabSize,
            TorchDtype = spec.Dtype == SafetensorsDtype.BF16 ? WeightDtype.BFloat16 : WeightDtype.Float32,
        });
    }
}
