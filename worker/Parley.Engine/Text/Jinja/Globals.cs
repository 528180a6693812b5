// Functions every template can call: Jinja2's range, namespace and dict, plus the two transformers adds,
// raise_exception(msg) and strftime_now(format).
namespace Parley.Engine.Text.Jinja;

internal static class Globals
{
    public static void AddTo(Scope scope, TimeProvider clock)
    {
        scope.Set("raise_exception", new CallableValue("raise_exception", args =>
            throw new JinjaRuntimeError(args.Positional.Count > 0 ? PythonText.Str(args.Positional[0]) : "", isRaisedByTemplate: true)));
        scope.Set("strftime_now", new CallableValue("strftime_now", args =>
            new StringValue(Strftime.Format(clock.GetLocalNow().DateTime, PythonText.Str(args.Positional[0])))));
        scope.Set("namespace", new CallableValue("namespace", Namespace));
        scope.Set("dict", new CallableValue("dict", Dict));
        scope.Set("range", new CallableValue("range", Range));
    }

    private static NamespaceValue Namespace(Arguments args)
    {
        var ns = new NamespaceValue();
        foreach (var value in args.Positional)
        {
            foreach (var (key, item) in ((value as DictValue) ?? throw new JinjaRuntimeError("namespace() takes a dict")).Pairs)
            {
                ns.Attributes[PythonText.Str(key)] = item;
            }
        }

        foreach (var (name, value) in args.Named)
        {
            ns.Attributes[name] = value;
        }

        return ns;
    }

    private static DictValue Dict(Arguments args)
    {
        var dict = new DictValue();
        foreach (var (name, value) in args.Named)
        {
            dict.Set(new StringValue(name), value);
        }

        return dict;
    }

    private static ListValue Range(Arguments args)
    {
        var numbers = args.Positional.Select(Operators.ToLong).ToArray();
        var (start, stop, step) = numbers.Length switch
        {
            1 => (0L, numbers[0], 1L),
            2 => (numbers[0], numbers[1], 1L),
            3 => (numbers[0], numbers[1], numbers[2]),
            _ => throw new JinjaRuntimeError("range expected 1 to 3 arguments"),
        };
        if (step == 0)
        {
            throw new JinjaRuntimeError("range() arg 3 must not be zero");
        }

        var items = new List<JinjaValue>();
        for (var i = start; step > 0 ? i < stop : i > stop; i += step)
        {
            items.Add(new IntValue(i));
        }

        return new ListValue(items);
    }
}
