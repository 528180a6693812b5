using Parley.Engine.Scheduling;

namespace Parley.Engine.Tests.Scheduling;

public class RequestTimelineTests
{
    [Fact]
    public void NewRequest_HasNoPhasesYet()
    {
        var timeline = Request("a", 4, maxTokens: 2).Timeline;

        timeline.IsScheduled.Should().BeFalse();
        timeline.HasToken.Should().BeFalse();
        new[] { timeline.QueueTime, timeline.PrefillTime, timeline.DecodeTime, timeline.InferenceTime }.Should().OnlyContain(time => time == TimeSpan.Zero);
    }

    [Fact]
    public void Step_StampsScheduledThenTokens_AndPrefillPlusDecodeIsInference()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(64)), maxNumSeqs: 8, maxNumBatchedTokens: 32, maxModelLen: 4096);
        var request = Request("a", 40, maxTokens: 3);
        scheduler.Admit(request);
        Thread.Sleep(5);

        StepAndSample(scheduler);
        request.Timeline.IsScheduled.Should().BeTrue();
        request.Timeline.HasToken.Should().BeFalse("40 prompt tokens take two 32-token steps");
        request.Timeline.QueueTime.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(5));
        for (var step = 0; step < 3; step++)
        {
            Thread.Sleep(2);
            StepAndSample(scheduler);
        }

        request.Status.Should().Be(RequestStatus.Finished);
        request.Timeline.PrefillTime.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(2), "the first token came a step after scheduling");
        request.Timeline.DecodeTime.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(4), "two more tokens, a step apart each");
        (request.Timeline.PrefillTime + request.Timeline.DecodeTime).Should().BeCloseTo(request.Timeline.InferenceTime, TimeSpan.FromTicks(1), "each difference is rounded to a 100 ns tick");
    }

    [Fact]
    public void PreemptedRequest_KeepsItsFirstScheduledTime()
    {
        var scheduler = new Scheduler(new KvCacheManager(new BlockPool(5)), maxNumSeqs: 4, maxNumBatchedTokens: 1000, maxModelLen: 4096);
        scheduler.Admit(Request("old", 16, maxTokens: 40));
        var preemptedOne = Request("new", 16, maxTokens: 40);
        scheduler.Admit(preemptedOne);
        StepAndSample(scheduler);
        var queuedBefore = preemptedOne.Timeline.QueueTime;
        queuedBefore.Should().BePositive();

        var preemptions = 0;
        for (var step = 0; step < 500 && preemptedOne.Status != RequestStatus.Finished; step++)
        {
            Thread.Sleep(1);
            preemptions += StepAndSample(scheduler).PreemptedIds.Count(id => id == "new");
        }

        preemptions.Should().BePositive("the test needs a preemption and a reschedule");
        preemptedOne.Status.Should().Be(RequestStatus.Finished);
        preemptedOne.Timeline.QueueTime.Should().Be(queuedBefore, "being scheduled again after preemption does not restart the queue time");
    }

    private static SchedulerOutput StepAndSample(Scheduler scheduler)
    {
        var output = scheduler.Step();
        scheduler.Update(output, new ModelOutput(output.Scheduled.Where(s => s.IsSampled).ToDictionary(s => s.RequestId, _ => 7)));
        return output;
    }

    private static Request Request(string id, int promptLength, int maxTokens) =>
        new(id, Enumerable.Range(10, promptLength).ToArray(), maxTokens, new HashSet<int> { 2 });
}
