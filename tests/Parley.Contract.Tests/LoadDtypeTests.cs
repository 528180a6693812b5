// The planner sizes what the worker loads: for every catalog model and every spec.model.dtype, the planner accepts
// exactly when the worker would accept the --dtype it renders for a checkpoint stored as the catalog says.
using Parley.Api;
using Parley.Api.Contracts;
using Parley.Api.Spec;
using Parley.Tuning;
using Parley.Tuning.Catalog;

namespace Parley.Contract.Tests;

public class LoadDtypeTests
{
    [Fact]
    public void ThePlannerRefusesADtype_ExactlyWhenTheWorkerWould()
    {
        var h100 = GpuInventory.Of(GpuCatalog.Find("h100")!);
        foreach (var model in ModelCatalog.All)
        {
            foreach (var dtype in Enum.GetValues<ModelDtype>())
            {
                var spec = new ChatDeploymentSpec { Model = new ModelSpec { Source = model.Id, Dtype = dtype } };
                var result = Planner.Plan(Defaults.Apply(spec), h100);
                var requested = dtype == ModelDtype.Auto ? "auto" : LoadDtype.Canonical(dtype.ToString())!;
                var workerRefuses = LoadDtype.Refusal("--dtype", requested, model.TorchDtype.Name()) is not null;

                var what = $"{model.Id} stored as {model.TorchDtype.Name()}, spec.model.dtype {requested}";
                (result.Refusal?.Reason == ConditionReasons.InvalidSpec).Should().Be(workerRefuses, what);
                if (result.Plan is { } plan)
                {
                    LoadDtype.Refusal("--dtype", plan.Format.Dtype.Name(), model.TorchDtype.Name()).Should().BeNull(what);
                }
            }
        }
    }
}
