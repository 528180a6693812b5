// POST /tokenize and /detokenize, vLLM's shapes: tokenize a prompt or chat messages (through the chat template) and
// report the count against max_model_len (add_special_tokens false leaves the BOS out; return_token_strs adds each
// token's text); detokenize a list of ids.
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Parley.Engine.Text;
using Parley.Worker.Serving;

namespace Parley.Worker.Http;

/// <summary>Tokenizer endpoints.</summary>
public static class TokenizeEndpoints
{
    public static async Task<IResult> TokenizeAsync(HttpContext context, ModelHost host)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = RequestContext.Model(host);
        var request = await RequestContext.BodyAsync(context.Request, model).ConfigureAwait(false);
        var tokens = request.Has("messages")
            ? model.Tokenizer.Encode(ChatPrompt.Render(ChatPromptRequest.Read(request), model))
            : CompletionRequest.Prompt(request.Node("prompt"), model, request.Bool("add_special_tokens") ?? true);
        var answer = new JsonObject
        {
            ["count"] = tokens.Count,
            ["max_model_len"] = model.MaxModelLen,
            ["tokens"] = new JsonArray(tokens.Select(id => (JsonNode)id).ToArray()),
        };
        if (request.Bool("return_token_strs") == true)
        {
            answer["token_strs"] = new JsonArray(tokens.Select(id => (JsonNode)ResponseJson.Text(model, id)).ToArray());
        }

        return Results.Text(answer.ToJsonString(), "application/json");
    }

    public static async Task<IResult> DetokenizeAsync(HttpContext context, ModelHost host)
    {
        ArgumentNullException.ThrowIfNull(context);
        var model = RequestContext.Model(host);
        var request = await RequestContext.BodyAsync(context.Request, model).ConfigureAwait(false);
        var ids = request.Ints("tokens") ?? throw ApiException.BadRequest("tokens is required: a list of token ids.", "tokens");
        var vocabulary = model.Tokenizer.Decoder.VocabularySize;
        foreach (var id in ids)
        {
            if (id < 0 || id >= vocabulary)
            {
                throw ApiException.BadRequest($"Token id {id} is out of vocabulary (0 to {vocabulary - 1}).", "tokens");
            }
        }

        var text = IncrementalDetokenizer.DecodeAll(model.Tokenizer.Decoder, ids.ToArray(), skipSpecialTokens: false);
        return Results.Text(new JsonObject { ["prompt"] = text }.ToJsonString(), "application/json");
    }
}
