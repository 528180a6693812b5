using Microsoft.Playwright;
using Parley.Testing;

namespace Parley.Worker.Tests.ChatPage;

// The chat page in Debian's headless Chromium (installed by .ci/run; Playwright never downloads a browser here):
// send a message, see the answer arrive in several streamed updates, see its tokens/s, reload, find the conversation.
public sealed class ChatPageBrowserTests : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    private RunningWorker _worker = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _worker = await RunningWorker.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = "/usr/bin/chromium", Args = ChromiumArgs });
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _worker.DisposeAsync();
    }

    [Fact]
    public async Task SendMessage_StreamsTheAnswer_AndTheConversationSurvivesAReload()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_worker.Http.BaseAddress!.ToString());
        await page.Locator("#status").Filter(new LocatorFilterOptions { HasText = "Model: tiny" }).WaitForAsync();
        // Counts how often the messages change: the answer's element is replaced once per streamed chunk.
        await page.EvaluateAsync("""
            window.__updates = 0;
            new MutationObserver(() => window.__updates++).observe(document.getElementById('messages'), { childList: true, subtree: true });
            """);

        await page.FillAsync("#input", "Hello there");
        await page.PressAsync("#input", "Enter");
        var stats = page.Locator(".message.assistant .stats");
        await stats.WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });

        (await stats.InnerTextAsync()).Should().MatchRegex(@"^\d+ tokens · [\d.]+ tokens/s$");
        // The observer is called once per task that changed the page: the first render, then once per network read that
        // carried answer chunks, then the final render. An answer shown at once would make 3; a loaded machine may
        // deliver many chunks in one read, so more than 3 is all that can be asked.
        (await page.EvaluateAsync<int>("window.__updates")).Should().BeGreaterThan(3, "the answer arrives over several reads");
        var answer = await page.Locator(".message.assistant .content").InnerTextAsync();
        Directory.CreateDirectory(RepositoryPaths.Of("TestResults"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = RepositoryPaths.Of("TestResults", "chat-page.png"), FullPage = true });

        await page.ReloadAsync();

        (await page.Locator("#conversations li").First.InnerTextAsync()).Should().Be("Hello there");
        (await page.Locator(".message.user .content").InnerTextAsync()).Should().Be("Hello there");
        (await page.Locator(".message.assistant .content").InnerTextAsync()).Should().Be(answer);
    }

    [Fact]
    public async Task Markdown_CodeBlocksRenderAndHtmlIsEscaped()
    {
        var page = await _browser.NewPageAsync();
        await page.GotoAsync(_worker.Http.BaseAddress!.ToString());

        var html = await page.EvaluateAsync<string>("markdown('Run `ls`:\\n```bash\\necho <b>hi</b>\\n```\\n**done** <script>x</script>')");

        html.Should().Contain("<code>ls</code>");
        html.Should().Contain("<pre><code data-language=\"bash\">echo &lt;b&gt;hi&lt;/b&gt;\n</code></pre>");
        html.Should().Contain("<strong>done</strong>");
        html.Should().Contain("&lt;script&gt;").And.NotContain("<script>");
    }
}
