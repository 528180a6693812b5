// The operator's scale goals (issue 13): per ChatDeployment, counting its create, at most 12 API requests and 11
// writes; the operator's own peak working set at most 150 MiB with 500 ChatDeployments (its caches grow with their
// number, so at other sizes the working set is shown, not judged). Time has no goal: the benchmark shows its growth.
namespace Parley.Operator.Bench;

internal static class Goals
{
    public const double MaxRequestsPerChat = 12;
    public const double MaxWritesPerChat = 11;
    public const long MaxOperatorPeakWorkingSet = 150L << 20;
    public const int WorkingSetGoalCount = 500;

    public static bool IsWorkingSetJudged(BenchResult result) => result.Count == WorkingSetGoalCount;

    public static bool AreMet(BenchResult result) =>
        result.RequestsPerChat <= MaxRequestsPerChat && result.WritesPerChat <= MaxWritesPerChat
        && (!IsWorkingSetJudged(result) || result.OperatorPeakWorkingSet <= MaxOperatorPeakWorkingSet);
}
