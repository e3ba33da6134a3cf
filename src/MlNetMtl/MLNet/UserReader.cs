using Microsoft.ML;
using Microsoft.ML.Data;

namespace MlNetMtl.MLNet;

/// <summary>Reads a user column (text, key or number) as dense user ids in order of first appearance, for user-level privacy.</summary>
internal static class UserReader
{
    public static void Check(DataViewSchema schema, string name)
    {
        var column = schema.GetColumnOrNull(name)
            ?? throw new ArgumentException($"The user column '{name}' of user-level privacy (--dp-unit user:{name}) is not in the data; the columns are {string.Join(", ", schema.Where(c => !c.IsHidden).Select(c => c.Name))}.");
        if (column.Type is not (TextDataViewType or KeyDataViewType or NumberDataViewType))
            throw new ArgumentException($"The user column '{name}' has type {column.Type}; it must be text, a key or a number.");
    }

    /// <summary>A reader of the current row's user id; ids are assigned 0, 1, … as users first appear.</summary>
    public static Func<long, int> Create(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        Func<string> raw = column.Type switch
        {
            TextDataViewType => Text(cursor.GetGetter<ReadOnlyMemory<char>>(column)),
            KeyDataViewType => Number(cursor.GetGetter<uint>(column)),
            _ when column.Type == NumberDataViewType.Single => Number(cursor.GetGetter<float>(column)),
            _ when column.Type == NumberDataViewType.Double => Number(cursor.GetGetter<double>(column)),
            _ when column.Type == NumberDataViewType.Int32 => Number(cursor.GetGetter<int>(column)),
            _ when column.Type == NumberDataViewType.Int64 => Number(cursor.GetGetter<long>(column)),
            _ => throw new ArgumentException($"The user column '{column.Name}' has type {column.Type}; it must be text, a key or a Single, Double, Int32 or Int64 number."),
        };
        return row =>
        {
            string user = raw();
            if (user.Length == 0 || user == "NaN")
                throw new ArgumentException($"User column '{column.Name}', row {row}: the user is missing; every row of user-level privacy needs its user.");
            if (!ids.TryGetValue(user, out int id))
                ids[user] = id = ids.Count;
            return id;
        };
    }

    private static Func<string> Text(ValueGetter<ReadOnlyMemory<char>> getter) => () =>
    {
        ReadOnlyMemory<char> value = default;
        getter(ref value);
        return value.Span.Trim().ToString();
    };

    private static Func<string> Number<T>(ValueGetter<T> getter) where T : struct, IFormattable => () =>
    {
        T value = default;
        getter(ref value);
        return value is uint key && key == 0 ? "" : value.ToString(null, System.Globalization.CultureInfo.InvariantCulture);
    };
}
