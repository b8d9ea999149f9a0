using System.Reflection;
using System.Reflection.Emit;

namespace Gcl.MLNet.Tests.Architecture;

/// <summary>
/// Every type a compiled type refers to: its base type and interfaces, attributes, generic constraints, the
/// signatures of its fields, properties, events and methods, and every type, method and field token in its method
/// bodies (decoded opcode by opcode), with generic arguments, array elements and declaring types unfolded.
/// </summary>
internal static class TypeReferences
{
    private const BindingFlags Declared = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    /// <summary>The types <paramref name="type"/> itself refers to (not counting its nested types' own references).</summary>
    public static IReadOnlySet<Type> Of(Type type)
    {
        var found = new HashSet<Type>();
        if (type.BaseType is { } baseType) Add(found, baseType);
        foreach (var face in type.GetInterfaces()) Add(found, face);
        foreach (var attribute in type.GetCustomAttributesData()) Add(found, attribute.AttributeType);
        if (type.IsGenericTypeDefinition)
        {
            foreach (var parameter in type.GetGenericArguments()) foreach (var constraint in parameter.GetGenericParameterConstraints()) Add(found, constraint);
        }
        foreach (var field in type.GetFields(Declared)) Add(found, field.FieldType);
        foreach (var property in type.GetProperties(Declared)) Add(found, property.PropertyType);
        foreach (var e in type.GetEvents(Declared)) if (e.EventHandlerType is { } handler) Add(found, handler);
        foreach (var method in type.GetMethods(Declared).Cast<MethodBase>().Concat(type.GetConstructors(Declared)))
        {
            AddSignature(found, method);
            AddBody(found, method);
        }
        return found;
    }

    private static void AddSignature(HashSet<Type> found, MethodBase method)
    {
        if (method is MethodInfo info) Add(found, info.ReturnType);
        foreach (var parameter in method.GetParameters()) Add(found, parameter.ParameterType);
        foreach (var attribute in method.GetCustomAttributesData()) Add(found, attribute.AttributeType);
    }

    private static void AddBody(HashSet<Type> found, MethodBase method)
    {
        var body = method.GetMethodBody();
        if (body is null) return;
        foreach (var local in body.LocalVariables) Add(found, local.LocalType);
        var il = body.GetILAsByteArray() ?? [];
        Type[]? typeArguments = method.DeclaringType is { IsGenericType: true } declaring ? declaring.GetGenericArguments() : null;
        Type[]? methodArguments = method.IsGenericMethod ? method.GetGenericArguments() : null;
        for (int i = 0; i < il.Length;)
        {
            short value = il[i] == 0xFE ? (short)(0xFE00 | il[i + 1]) : il[i];
            var opCode = OpCodesByValue[value];
            i += opCode.Size;
            int operandSize = OperandSize(opCode.OperandType, il, i);
            if (opCode.OperandType is OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineType or OperandType.InlineTok)
            {
                AddMember(found, method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArguments, methodArguments));
            }
            i += operandSize;
        }
    }

    private static void AddMember(HashSet<Type> found, MemberInfo? member)
    {
        switch (member)
        {
            case Type t:
                Add(found, t);
                break;
            case FieldInfo field:
                Add(found, field.DeclaringType);
                Add(found, field.FieldType);
                break;
            case MethodBase callee:
                Add(found, callee.DeclaringType);
                AddSignature(found, callee);
                if (callee.IsGenericMethod) foreach (var argument in callee.GetGenericArguments()) Add(found, argument);
                break;
        }
    }

    private static int OperandSize(OperandType operand, byte[] il, int at) => operand switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };

    private static void Add(HashSet<Type> found, Type? type)
    {
        if (type is null || type.IsGenericParameter) return;
        if (type.HasElementType)
        {
            Add(found, type.GetElementType());
            return;
        }
        if (type.IsGenericType && !type.IsGenericTypeDefinition)
        {
            Add(found, type.GetGenericTypeDefinition());
            foreach (var argument in type.GetGenericArguments()) Add(found, argument);
            return;
        }
        if (found.Add(type) && type.DeclaringType is { } outer) Add(found, outer);
    }
}
