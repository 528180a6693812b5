// Renders statement nodes into text. Runtime failures become JinjaExceptions carrying the statement's line;
// break and continue travel back up as a Flow value rather than as exceptions.
using System.Text;

namespace Parley.Engine.Text.Jinja;

internal static class Interpreter
{
    private enum Flow
    {
        Normal,
        Break,
        Continue,
    }

    public static void Render(IReadOnlyList<Node> nodes, Scope scope, StringBuilder output) => RenderAll(nodes, scope, output);

    private static Flow RenderAll(IReadOnlyList<Node> nodes, Scope scope, StringBuilder output)
    {
        foreach (var node in nodes)
        {
            var flow = RenderOne(node, scope, output);
            if (flow != Flow.Normal)
            {
                return flow;
            }
        }

        return Flow.Normal;
    }

    private static Flow RenderOne(Node node, Scope scope, StringBuilder output)
    {
        try
        {
            return Execute(node, scope, output);
        }
        catch (JinjaRuntimeError error)
        {
            throw new JinjaException(error.Message, node.Line, error.IsRaisedByTemplate);
        }
        catch (Exception error) when (error is not JinjaException)
        {
            throw new JinjaException($"{error.GetType().Name}: {error.Message}", node.Line);
        }
    }

    private static Flow Execute(Node node, Scope scope, StringBuilder output)
    {
        switch (node)
        {
            case TextNode text:
                output.Append(text.Text);
                return Flow.Normal;
            case OutputNode print:
                output.Append(PythonText.Str(Evaluator.Evaluate(print.Value, scope)));
                return Flow.Normal;
            case IfNode branches:
                foreach (var (test, body) in branches.Branches)
                {
                    if (Evaluator.Evaluate(test, scope).IsTruthy)
                    {
                        return RenderAll(body, scope, output);
                    }
                }

                return RenderAll(branches.Else, scope, output);
            case ForNode loop:
                RenderFor(loop, scope, output);
                return Flow.Normal;
            case BreakNode:
                return Flow.Break;
            case ContinueNode:
                return Flow.Continue;
            case SetNode set:
                Assign(set, scope);
                return Flow.Normal;
            case SetBlockNode block:
                scope.Set(block.Target, ApplyFilters(block.Filters, Capture(block.Body, scope), scope));
                return Flow.Normal;
            case MacroNode macro:
                scope.Set(macro.Name, DefineMacro(macro, scope));
                return Flow.Normal;
            case FilterBlockNode filter:
                output.Append(PythonText.Str(ApplyFilters(filter.Filters, Capture(filter.Body, scope), scope)));
                return Flow.Normal;
            case GenerationNode generation:
                return RenderAll(generation.Body, scope, output);
            default:
                throw new JinjaRuntimeError($"cannot render {node.GetType().Name}");
        }
    }

    private static StringValue Capture(IReadOnlyList<Node> body, Scope scope)
    {
        var builder = new StringBuilder();
        RenderAll(body, scope, builder);
        return new StringValue(builder.ToString());
    }

    private static JinjaValue ApplyFilters(IReadOnlyList<FilterCall> filters, JinjaValue value, Scope scope) =>
        filters.Aggregate(value, (current, filter) => Evaluator.ApplyFilter(filter, current, scope));

    private static void RenderFor(ForNode loop, Scope scope, StringBuilder output)
    {
        var loopScope = new Scope(scope);
        var items = Operators.Iterate(Evaluator.Evaluate(loop.Iterable, scope));
        if (loop.Filter is not null)
        {
            items = items.Where(item =>
            {
                Bind(loop.Targets, item, loopScope);
                return Evaluator.Evaluate(loop.Filter, loopScope).IsTruthy;
            }).ToList();
        }

        var state = new LoopValue(items);
        for (var i = 0; i < items.Count; i++)
        {
            state.Index0 = i;
            Bind(loop.Targets, items[i], loopScope);
            loopScope.Set("loop", state);
            if (RenderAll(loop.Body, loopScope, output) == Flow.Break)
            {
                break;
            }
        }

        if (items.Count == 0)
        {
            RenderAll(loop.Else, new Scope(scope), output);
        }
    }

    private static void Assign(SetNode set, Scope scope)
    {
        var value = Evaluator.Evaluate(set.Value, scope);
        if (set.Attribute is null)
        {
            Bind(set.Targets, value, scope);
            return;
        }

        if (scope.Lookup(set.Targets[0]) is not NamespaceValue ns)
        {
            throw new JinjaRuntimeError("cannot assign attribute on non-namespace object");
        }

        ns.Attributes[set.Attribute] = value;
    }

    private static void Bind(IReadOnlyList<string> targets, JinjaValue value, Scope scope)
    {
        if (targets.Count == 1)
        {
            scope.Set(targets[0], value);
            return;
        }

        var items = value is ListValue or DictValue or StringValue ? Operators.Iterate(value)
            : throw new JinjaRuntimeError($"cannot unpack non-iterable {value.TypeName} object");
        if (items.Count != targets.Count)
        {
            throw new JinjaRuntimeError(items.Count < targets.Count
                ? $"not enough values to unpack (expected {targets.Count}, got {items.Count})"
                : $"too many values to unpack (expected {targets.Count})");
        }

        for (var i = 0; i < targets.Count; i++)
        {
            scope.Set(targets[i], items[i]);
        }
    }

    private static CallableValue DefineMacro(MacroNode macro, Scope definitionScope) => new(macro.Name, args =>
    {
        var scope = new Scope(definitionScope);
        for (var i = 0; i < macro.Parameters.Count; i++)
        {
            var (name, fallback) = macro.Parameters[i];
            var value = args.Get(i, name)
                ?? (fallback is null ? UndefinedValue.Named(name) : Evaluator.Evaluate(fallback, scope));
            scope.Set(name, value);
        }

        return Capture(macro.Body, scope);
    });
}
