namespace BatchEmbed.Domain.Tokenization;

/// <summary>
/// tiktoken's byte-pair merge: repeatedly merge the adjacent pair whose concatenation has the lowest rank, the
/// leftmost on ties. Short pieces use the linear scan; long ones (a long run of one character is a single piece) use a
/// heap keyed by (rank, start), which picks the same pair at every step in O(n log n).
/// </summary>
internal static class BytePairMerger
{
    private const int HeapThreshold = 96;

    /// <summary>Writes the part boundaries of <paramref name="piece"/> into <paramref name="ends"/>; returns their count.</summary>
    public static int Merge(ReadOnlySpan<byte> piece, RankTable ranks, Span<int> ends)
    {
        return piece.Length <= HeapThreshold ? MergeLinear(piece, ranks, ends) : MergeHeap(piece, ranks, ends);
    }

    internal static int MergeLinear(ReadOnlySpan<byte> piece, RankTable ranks, Span<int> ends)
    {
        int n = piece.Length;
        Span<int> starts = stackalloc int[n + 1];
        Span<int> pairRank = stackalloc int[n + 1];
        int count = n + 1;
        for (int i = 0; i < n - 1; i++)
        {
            starts[i] = i;
            pairRank[i] = ranks.RankOf(piece.Slice(i, 2));
        }

        starts[n - 1] = n - 1;
        pairRank[n - 1] = RankTable.NoRank;
        starts[n] = n;
        pairRank[n] = RankTable.NoRank;

        while (true)
        {
            int best = -1;
            int bestRank = RankTable.NoRank;
            for (int i = 0; i < count - 1; i++)
            {
                if (pairRank[i] < bestRank)
                {
                    bestRank = pairRank[i];
                    best = i;
                }
            }

            if (best < 0)
            {
                break;
            }

            if (best > 0)
            {
                pairRank[best - 1] = RankAfterMerge(piece, ranks, starts, count, best - 1);
            }

            pairRank[best] = RankAfterMerge(piece, ranks, starts, count, best);
            starts[(best + 2)..count].CopyTo(starts[(best + 1)..]);
            pairRank[(best + 2)..count].CopyTo(pairRank[(best + 1)..]);
            count--;
        }

        for (int i = 1; i < count; i++)
        {
            ends[i - 1] = starts[i];
        }

        return count - 1;
    }

    // The rank of part i joined with part i+1 once i+1 has absorbed i+2 (tiktoken's get_rank before the removal).
    private static int RankAfterMerge(ReadOnlySpan<byte> piece, RankTable ranks, Span<int> starts, int count, int i)
    {
        return i + 3 < count ? ranks.RankOf(piece[starts[i]..starts[i + 3]]) : RankTable.NoRank;
    }

    internal static int MergeHeap(ReadOnlySpan<byte> piece, RankTable ranks, Span<int> ends)
    {
        int n = piece.Length;
        var next = new int[n];
        var prev = new int[n];
        var rank = new int[n];
        var alive = new bool[n];
        var heap = new PriorityQueue<int, long>(n);
        for (int i = 0; i < n; i++)
        {
            next[i] = i + 1; // n means "no next part"
            prev[i] = i - 1;
            alive[i] = true;
            rank[i] = i + 1 < n ? ranks.RankOf(piece.Slice(i, 2)) : RankTable.NoRank;
            if (rank[i] != RankTable.NoRank)
            {
                heap.Enqueue(i, Key(rank[i], i));
            }
        }

        while (heap.TryDequeue(out int i, out long key))
        {
            if (!alive[i] || rank[i] == RankTable.NoRank || Key(rank[i], i) != key)
            {
                continue; // stale entry: the pair changed since it was queued
            }

            int j = next[i];
            alive[j] = false;
            next[i] = next[j];
            if (next[j] < n)
            {
                prev[next[j]] = i;
            }

            rank[i] = PairRank(piece, ranks, next, n, i);
            if (rank[i] != RankTable.NoRank)
            {
                heap.Enqueue(i, Key(rank[i], i));
            }

            int p = prev[i];
            if (p >= 0)
            {
                rank[p] = PairRank(piece, ranks, next, n, p);
                if (rank[p] != RankTable.NoRank)
                {
                    heap.Enqueue(p, Key(rank[p], p));
                }
            }
        }

        int count = 0;
        for (int i = 0; i < n; i = next[i])
        {
            ends[count++] = next[i];
        }

        return count;
    }

    private static int PairRank(ReadOnlySpan<byte> piece, RankTable ranks, int[] next, int n, int i)
    {
        int j = next[i];
        if (j >= n)
        {
            return RankTable.NoRank;
        }

        int end = next[j];
        return ranks.RankOf(piece[i..end]);
    }

    private static long Key(int rank, int start) => ((long)rank << 32) | (uint)start;
}
