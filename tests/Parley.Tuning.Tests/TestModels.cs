using Parley.Tuning.Catalog;

namespace Parley.Tuning.Tests;

internal static class TestModels
{
    public static ModelArchitecture Get(string id) => ModelCatalog.Find(id) ?? throw new ArgumentException($"{id} is not in the catalog.");

    public static WeightFormat Bf16 { get; } = new(WeightDtype.BFloat16, null);
}
