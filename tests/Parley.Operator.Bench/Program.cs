// Creates N ChatDeployments at once against the in-memory Kubernetes API and reports how long the operator takes to
// reconcile them all (status written for the current generation), the API requests and writes per ChatDeployment, and
// the operator's own peak working set, then compares them with the goals. Several sizes in one run show how the time
// grows (linear growth keeps the time per ChatDeployment flat).
//
//   dotnet run -c Release --project tests/Parley.Operator.Bench -- [counts=500] [workers=4]      e.g. -- 500,5000 4
//
// The operator runs in a child process of its own (this program with `operator <api-url> <workers>`), so its working
// set is measured apart from the in-memory API server, which runs here with the ChatDeployments' creator.
using System.Globalization;
using Parley.Operator.Bench;

if (args.Length > 0 && args[0] == OperatorProcess.Role)
{
    return await OperatorProcess.RunAsync(new Uri(args[1]), int.Parse(args[2], CultureInfo.InvariantCulture));
}

var counts = (args.Length > 0 ? args[0] : "500").Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture)).ToList();
var workers = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
var results = new List<BenchResult>();
foreach (var count in counts)
{
    var result = await BenchRun.RunAsync(count, workers);
    Report.Print(result);
    results.Add(result);
}

Report.PrintGrowth(results);
return results.All(Goals.AreMet) ? 0 : 1;
