using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Parley.Worker.Tests.Http;

// logit_bias and allowed_token_ids over HTTP on the tiny model, whose token ids are byte values ('A' is 65): they steer
// what is generated, and a malformed one is a 400 that names the field, never a 200 that ignored it.
public sealed class LogitBiasTests : IAsyncLifetime
{
    private RunningWorker _worker = null!;

    public async Task InitializeAsync() => _worker = await RunningWorker.StartAsync();

    public async Task DisposeAsync() => await _worker.DisposeAsync();

    [Fact]
    public async Task LogitBiasOfPlusHundred_MakesEveryTokenThatToken()
    {
        var text = await CompleteAsync(new JsonObject { ["logit_bias"] = new JsonObject { ["65"] = 100 } });

        text.Should().Be("AAAAAAAA");
    }

    [Fact]
    public async Task AllowedTokenIds_OnlyThoseTokensAreGenerated()
    {
        var text = await CompleteAsync(new JsonObject { ["allowed_token_ids"] = new JsonArray(66, 67) });

        text.Should().MatchRegex("^[BC]{8}$");
    }

    [Theory]
    [InlineData("""{"logit_bias": {"x": 1}}""", "logit_bias keys must be token ids*'x'*")]
    [InlineData("""{"logit_bias": {"65": "up"}}""", "logit_bias values must be numbers*token 65*")]
    [InlineData("""{"logit_bias": {"65": 101}}""", "logit_bias values must be in ?-100, 100?, got 101 for token 65")]
    [InlineData("""{"logit_bias": {"999999": 1}}""", "logit_bias holds token id 999999, outside the vocabulary*")]
    [InlineData("""{"logit_bias": [1]}""", "logit_bias must be an object.")]
    [InlineData("""{"allowed_token_ids": []}""", "allowed_token_ids must not be empty*")]
    [InlineData("""{"allowed_token_ids": [65, 100000]}""", "allowed_token_ids holds token id 100000, outside the vocabulary*")]
    public async Task BadSettings_Are400NamingTheField(string extra, string message)
    {
        var body = JsonNode.Parse(extra)!.AsObject();
        body["prompt"] = "hi";
        using var response = await _worker.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), JsonContent.Create(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        error["message"]!.GetValue<string>().Should().Match(message);
    }

    private async Task<string> CompleteAsync(JsonObject settings)
    {
        settings["prompt"] = "hi";
        settings["max_tokens"] = 8;
        settings["ignore_eos"] = true;
        settings["temperature"] = 1.0;
        using var response = await _worker.Http.PostAsync(new Uri("/v1/completions", UriKind.Relative), JsonContent.Create(settings));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["choices"]![0]!["text"]!.GetValue<string>();
    }
}
