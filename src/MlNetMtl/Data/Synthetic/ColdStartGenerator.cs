namespace MlNetMtl.Data.Synthetic;

/// <summary>One impression of <see cref="ColdStartGenerator"/>: who saw which item, its title, and the two labels.</summary>
/// <param name="UserId">The user, <c>u17</c>.</param>
/// <param name="ItemId">The item, <c>i203</c>.</param>
/// <param name="Title">The item's title: words of its topic.</param>
/// <param name="Topic">The item's topic (the hidden truth, not a feature).</param>
/// <param name="Click">Whether the user clicked.</param>
/// <param name="Like">Whether the user liked it (only after a click).</param>
public sealed record ColdStartImpression(string UserId, string ItemId, string Title, string Topic, bool Click, bool Like);

/// <summary>
/// A known answer for scoring items no one has seen from their text. Items belong to topics and are titled with words of
/// their topic; users care for two topics; a click is likely when the item's topic is one of the user's, a like likelier
/// still (no user or item is more clicky than another, so ids alone carry nothing to a new item). Training items are titled
/// from one half of each topic's vocabulary and test items — all new — from the other half, so a new item shares no word
/// with any training title: only a model that knows what words mean (a pretrained sentence encoder) can place it.
/// </summary>
public static class ColdStartGenerator
{
    /// <summary>The topics and their words, written so that the first and second halves share no word.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Topics = new Dictionary<string, string[]>
    {
        ["sports"] = ["football", "soccer", "goal", "league", "stadium", "coach", "tournament", "championship", "striker", "referee",
            "basketball", "tennis", "athlete", "olympics", "marathon", "cricket", "baseball", "hockey", "golf", "boxing"],
        ["cooking"] = ["recipe", "kitchen", "baking", "chef", "pasta", "soup", "bread", "dessert", "cake", "grill",
            "spices", "salad", "noodles", "dinner", "breakfast", "oven", "sauce", "vegetables", "cookies", "curry"],
        ["music"] = ["guitar", "piano", "concert", "song", "singer", "band", "album", "drums", "melody", "orchestra",
            "violin", "jazz", "lyrics", "choir", "symphony", "chorus", "opera", "karaoke", "saxophone", "playlist"],
        ["pets"] = ["puppy", "kitten", "dog", "cat", "hamster", "parrot", "rabbit", "veterinarian", "leash", "aquarium",
            "goldfish", "paws", "fur", "barking", "meowing", "breed", "adoption", "grooming", "turtle", "kennel"],
        ["travel"] = ["beach", "mountain", "hotel", "flight", "passport", "island", "vacation", "tourist", "backpacking", "airport",
            "cruise", "resort", "sightseeing", "luggage", "hiking", "camping", "safari", "landmark", "journey", "souvenir"],
        ["technology"] = ["smartphone", "laptop", "software", "computer", "robot", "gadget", "programming", "app", "processor", "internet",
            "coding", "keyboard", "tablet", "drone", "headphones", "wifi", "battery", "chip", "algorithm", "smartwatch"],
        ["fashion"] = ["dress", "shoes", "makeup", "jewelry", "handbag", "outfit", "lipstick", "sneakers", "jacket", "runway",
            "hairstyle", "skirt", "perfume", "boutique", "scarf", "boots", "earrings", "sunglasses", "necklace", "tailor"],
        ["finance"] = ["stocks", "investment", "bank", "money", "budget", "savings", "loan", "taxes", "mortgage", "economy",
            "crypto", "dividend", "salary", "retirement", "insurance", "trading", "inflation", "accounting", "wallet", "bonds"],
    };

    /// <summary>Words any title may hold, whatever its topic.</summary>
    private static readonly string[] Fillers = ["video", "best", "new", "top", "my", "today", "live", "daily", "guide", "tips", "first", "week"];

    /// <summary>The impressions of training items (titles from each topic's first half) and of new test items (the second half).</summary>
    /// <param name="users">Users, each with two topics.</param>
    /// <param name="trainItems">Items seen in training.</param>
    /// <param name="testItems">New items, seen only in the test rows.</param>
    /// <param name="trainRows">Impressions of training items.</param>
    /// <param name="testRows">Impressions of test items.</param>
    /// <param name="seed">The seed: the same rows for the same arguments.</param>
    public static (IReadOnlyList<ColdStartImpression> Train, IReadOnlyList<ColdStartImpression> Test) Generate(int users = 200, int trainItems = 400, int testItems = 100,
        int trainRows = 40_000, int testRows = 10_000, int seed = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(users);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainItems);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testItems);
        var random = new Random(seed);
        string[] topics = Topics.Keys.ToArray();
        var interests = Enumerable.Range(0, users).Select(_ =>
        {
            int first = random.Next(topics.Length), second = (first + 1 + random.Next(topics.Length - 1)) % topics.Length;
            return new HashSet<string> { topics[first], topics[second] };
        }).ToArray();
        var train = Items(random, trainItems, 0, firstHalf: true);
        var test = Items(random, testItems, trainItems, firstHalf: false);
        return (Impressions(random, interests, train, trainRows), Impressions(random, interests, test, testRows));
    }

    private static (string Id, string Title, string Topic)[] Items(Random random, int count, int firstId, bool firstHalf)
    {
        string[] topics = Topics.Keys.ToArray();
        return Enumerable.Range(0, count).Select(i =>
        {
            string topic = topics[random.Next(topics.Length)];
            var words = Topics[topic];
            int half = words.Length / 2, offset = firstHalf ? 0 : half;
            var picked = Enumerable.Range(0, 2 + random.Next(2)).Select(_ => words[offset + random.Next(half)]).Distinct().ToList();
            picked.Insert(random.Next(picked.Count + 1), Fillers[random.Next(Fillers.Length)]);
            return ($"i{firstId + i}", string.Join(' ', picked), topic);
        }).ToArray();
    }

    private static ColdStartImpression[] Impressions(Random random, HashSet<string>[] interests, (string Id, string Title, string Topic)[] items, int rows) =>
        Enumerable.Range(0, rows).Select(_ =>
        {
            int user = random.Next(interests.Length);
            var item = items[random.Next(items.Length)];
            bool match = interests[user].Contains(item.Topic);
            bool click = random.NextDouble() < (match ? 0.6 : 0.1);
            bool like = click && random.NextDouble() < (match ? 0.5 : 0.1);
            return new ColdStartImpression($"u{user}", item.Id, item.Title, item.Topic, click, like);
        }).ToArray();
}
