// The syntax tree: statements render text, expressions produce values. Every node knows its template line.
namespace Parley.Engine.Text.Jinja;

internal abstract record Node(int Line);

// ---- statements ----
internal sealed record TextNode(string Text, int Line) : Node(Line);

internal sealed record OutputNode(Expr Value, int Line) : Node(Line);

internal sealed record IfNode(IReadOnlyList<(Expr Test, IReadOnlyList<Node> Body)> Branches, IReadOnlyList<Node> Else, int Line) : Node(Line);

internal sealed record ForNode(IReadOnlyList<string> Targets, Expr Iterable, Expr? Filter, IReadOnlyList<Node> Body, IReadOnlyList<Node> Else, int Line) : Node(Line);

internal sealed record BreakNode(int Line) : Node(Line);

internal sealed record ContinueNode(int Line) : Node(Line);

/// <summary><c>{% set a = x %}</c>, <c>{% set a, b = x %}</c> or <c>{% set ns.attr = x %}</c> (Namespace set).</summary>
internal sealed record SetNode(IReadOnlyList<string> Targets, string? Attribute, Expr Value, int Line) : Node(Line);

internal sealed record SetBlockNode(string Target, IReadOnlyList<Node> Body, IReadOnlyList<FilterCall> Filters, int Line) : Node(Line);

internal sealed record MacroNode(string Name, IReadOnlyList<(string Name, Expr? Default)> Parameters, IReadOnlyList<Node> Body, int Line) : Node(Line);

internal sealed record FilterBlockNode(IReadOnlyList<FilterCall> Filters, IReadOnlyList<Node> Body, int Line) : Node(Line);

internal sealed record GenerationNode(IReadOnlyList<Node> Body, int Line) : Node(Line);

// ---- expressions ----
internal abstract record Expr(int Line) : Node(Line);

internal sealed record ConstantExpr(JinjaValue Value, int Line) : Expr(Line);

internal sealed record NameExpr(string Name, int Line) : Expr(Line);

internal sealed record ListExpr(IReadOnlyList<Expr> Items, bool IsTuple, int Line) : Expr(Line);

internal sealed record DictExpr(IReadOnlyList<(Expr Key, Expr Value)> Pairs, int Line) : Expr(Line);

internal sealed record AttributeExpr(Expr Target, string Name, int Line) : Expr(Line);

internal sealed record ItemExpr(Expr Target, Expr Key, int Line) : Expr(Line);

internal sealed record SliceExpr(Expr Target, Expr? Start, Expr? Stop, Expr? Step, int Line) : Expr(Line);

internal sealed record CallExpr(Expr Callee, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs, int Line) : Expr(Line);

internal sealed record FilterCall(string Name, IReadOnlyList<Expr> Args, IReadOnlyList<(string Name, Expr Value)> Kwargs, int Line);

internal sealed record FilterExpr(Expr Target, FilterCall Filter, int Line) : Expr(Line);

internal sealed record TestExpr(Expr Target, string Name, IReadOnlyList<Expr> Args, bool IsNegated, int Line) : Expr(Line);

internal sealed record UnaryExpr(string Operator, Expr Operand, int Line) : Expr(Line);

internal sealed record BinaryExpr(string Operator, Expr Left, Expr Right, int Line) : Expr(Line);

/// <summary>A chain such as <c>a &lt; b &lt;= c</c>; each comparison is evaluated against the previous operand.</summary>
internal sealed record CompareExpr(Expr First, IReadOnlyList<(string Operator, Expr Operand)> Rest, int Line) : Expr(Line);

internal sealed record ConditionalExpr(Expr Test, Expr Then, Expr? Else, int Line) : Expr(Line);
