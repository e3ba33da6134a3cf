namespace MlNetMtl.Tests.Cli;

/// <summary>
/// The bad-input catalogue: one row per way a user's first try can go wrong — the file, the command line, the fragment
/// of the one-line message that must name the real cause, and the exit code — run through the real CLI process. Every
/// row also checks that the message is one line (no stack trace, no wrapper's text) and that nothing in the user's
/// folder was created, changed or deleted. In a command line, <c>@name</c> is a file of <see cref="CatalogueFiles"/>.
/// </summary>
[NonParallelizable]
public class BadInputCatalogue
{
    /// <summary>One row: what the user ran, what they must read.</summary>
    /// <param name="Name">The case.</param>
    /// <param name="CommandLine">The arguments, space-separated; <c>@name</c> is a catalogue file.</param>
    /// <param name="Message">A fragment of the error line.</param>
    /// <param name="Exit">The exit code.</param>
    /// <param name="WorkingDirectory">A catalogue folder to run in (for <c>-o .</c>), or null.</param>
    public sealed record Case(string Name, string CommandLine, string Message, int Exit = 1, string? WorkingDirectory = null)
    {
        public override string ToString() => Name;
    }

    private static readonly Case[] Cases =
    [
        // Labels as the user means them
        new("a two-valued text label without its positive value", "train -d @adult.csv --task income:income:binary -o @out.zip",
            "holds two values, '<=50K', '>50K', which are not boolean words (true/false, yes/no, y/n, t/f, 1/0). Name the positive value: --task income:income:binary:positive=>50K"),
        new("the same in an experiment: no trial runs", "experiment -d @adult.csv --task income:income:binary --train-time 60 -o @exp", "Name the positive value: --task income:income:binary:positive=>50K"),
        new("a positive value the label never holds", "train -d @adult.csv --task income:income:binary:positive=>50k -o @out.zip", "the positive value '>50k' is not in label column 'income'"),
        new("positive= on a regression task", "train -d @clicks.csv --task watch:watch:regression:positive=1 -o @out.zip", "positive= names the positive value of a binary task; this task is regression"),
        new("empty label cells", "train -d @clicks-gaps.csv --task click:click:binary -o @out.zip", "has 2 missing cells (empty, ?, NA, NaN …) among 600 rows of"),
        new("empty label cells: the remedy", "train -d @clicks-gaps.csv --task click:click:binary -o @out.zip", "the first at line 10; fill them, or train the task without those rows (MissingLabelPolicy.Mask; --missing-labels mask"),
        new("a label column with no label at all", "train -d @clicks-nolabels.csv --task click:click:binary --missing-labels mask -o @out.zip", "every one of the 600 cells of label column 'click'"),
        new("a binary label that is 2", "train -d @clicks-twos.csv --task click:click:binary -o @out.zip", "Label column 'click' of binary task 'click', line 13 of"),
        new("a regression label that is text", "train -d @clicks-textwatch.csv --task watch:watch:regression -o @out.zip", "line 16 of"),
        new("a regression label that is text: why", "train -d @clicks-textwatch.csv --task watch:watch:regression -o @out.zip", "'long' is not a number; a regression label must be numeric"),
        new("a multiclass label of one class", "train -d @onecolor.csv --task color:color:multiclass -o @out.zip", "holds one class only ('red'); a multiclass task needs at least two"),
        new("a class the model never saw", "evaluate -m @colors.zip -d @colors-purple.csv", "'purple' is not one of its 3 classes (blue, green, red)"),
        new("a test set of one class", "evaluate -m @clicks.zip -d @clicks-negatives.csv", "Binary task 'click': the 600 evaluated rows are all negative in label column 'click'"),
        new("a label that does not parse when evaluating", "evaluate -m @clicks.zip -d @clicks-badlabel.csv", "line 8, column 'click': 'maybe' is not a number, which the model reads in this column"),
        new("a domain column that is not in the file", "evaluate -m @clicks.zip -d @clicks.csv --domain-col tab", "--domain-col 'tab' is not a column of"),
        new("a domain column to train on that is not in the file", "train -d @clicks.csv --task click:click:binary --domain-col tab -o @out.zip", "Column 'tab' is not in the header of"),
        new("a domain column set numeric", "train -d @clicks.csv --task click:click:binary --domain-col age --role age=numeric -o @out.zip",
            "--domain-col 'age' is given --role age=numeric; a domain column is categorical (one slot per domain)"),
        new("a domain column that is a task's label", "train -d @clicks.csv --task click:click:binary --domain-col click -o @out.zip", "--domain-col 'click' is the label column of task 'click'"),
        new("a domain column that is ignored too", "train -d @clicks.csv --task click:click:binary --ignore-cols user --domain-col user -o @out.zip", "--domain-col 'user' is in --ignore-cols too"),
        new("a domain column of ids", "train -d @clicks.csv --task click:click:binary --domain-col income -o @out.zip", "Domain column 'income' has 600 values; a domain column takes at most 256"),
        new("STAR without a domain column", "train -d @clicks.csv --task click:click:binary --architecture STAR -o @out.zip", "STAR is a scenario-aware architecture: it needs a domain column"),
        new("DP-SGD with a domain column", "train -d @clicks.csv --task click:click:binary --domain-col category --dp-epsilon 3 -o @out.zip", "DP-SGD does not yet clip the per-example gradients of domain weights"),
        new("a test file without the label", "evaluate -m @clicks.zip -d @clicks-nolabel.csv", "lacks the label column(s) 'click' (task 'click'), so it cannot be evaluated"),

        // One reading of a CSV
        new("text after 6,000 numbers, declared numeric", "train -d @late.csv --task label:label:binary --role amount=numeric -o @out.zip", "Column 'amount' is set numeric, but line 6002 of"),
        new("a record wider than the header", "train -d @ragged.csv --task label:label:binary -o @out.zip", "line 3: the record has 4 fields; the header has 3"),
        new("a quote never closed", "train -d @unterminated.csv --task label:label:binary -o @out.zip", "line 3: a quoted field is opened and never closed"),
        new("an empty file", "train -d @empty.csv --task label:label:binary -o @out.zip", "is empty"),
        new("a header without rows", "train -d @header.csv --task label:label:binary -o @out.zip", "has a header but no data rows"),
        new("a label column not in the header", "train -d @clicks.csv --task click:Clicked:binary -o @out.zip", "Column 'Clicked' is not in the header of"),
        new("a task kind that does not exist", "train -d @clicks.csv --task click:click:ranking -o @out.zip", "kind 'ranking' is not binary, regression or multiclass"),
        new("a task weight that is not a number", "train -d @clicks.csv --task click:click:binary:heavy -o @out.zip", "'heavy' is neither a weight nor positive=VALUE"),
        new("a role that does not exist", "train -d @clicks.csv --task click:click:binary --role age=date -o @out.zip", "--role 'age=date' must be column=numeric|boolean|categorical|id|text|ignore|multivalued|image"),
        new("a prediction file with text in a numeric column", "predict -m @clicks.zip -d @clicks-badnumber.csv -o @predictions.csv", "line 5, column 'age': 'old' is not a number, which the model reads in this column"),
        new("a prediction file without a feature column", "predict -m @clicks.zip -d @clicks-noage.csv -o @predictions.csv", "lacks column(s) age, which the model reads"),

        // Recommender logs
        new("a KuaiRand log without its user table beside it", "train --format KuaiRand -d @kuairand/log.csv -o @out.zip",
            "A KuaiRand log is joined with its user table, a file 'user_features*.csv' beside it"),
        new("a KuaiRand user table with a user twice", "train --format KuaiRand -d @kuairand-twice/log.csv -o @out.zip",
            "user_features_pure.csv', line 9: user_id '3' appears a second time; each key needs one row"),
        new("a KuaiRand task that does not exist", "train --format KuaiRand -d @kuairand/log.csv --task likes -o @out.zip",
            "'likes' is not a KuaiRand task; choose from click, long_view, like"),
        new("a GAUC group column that is not in the data", "compare -d @clicks.csv --task click:click:binary --test-dataset @clicks.csv --group-col visitor",
            "--group-col 'visitor' is not a column of the test data"),

        // Privacy accounting
        new("privacy with neither a noise multiplier nor a target", "privacy -q 0.01 --steps 100 --delta 1e-6", "Give either --noise σ (to print ε) or --epsilon ε (to print the σ it needs)"),
        new("a sampling rate above one", "privacy -q 2 --steps 100 --delta 1e-6 --noise 1", "--sampling-rate must be in (0, 1]; got 2"),
        new("a delta of one", "privacy -q 0.01 --steps 100 --delta 1 --noise 1", "--delta must be in (0, 1); got 1"),
        new("a target epsilon of zero", "privacy -q 0.01 --steps 100 --delta 1e-6 --epsilon 0", "--epsilon must be a positive number; got 0"),
        // Differentially private training
        new("a DP target epsilon of zero", "train -d @clicks.csv --task click:click:binary --dp-epsilon 0 -o @out.zip", "The target ε must be finite and > 0; got 0. (--dp-epsilon)"),
        new("a DP delta no smaller than one over the rows", "train -d @clicks.csv --task click:click:binary --dp-epsilon 1 --dp-delta 0.01 -o @out.zip",
            "δ (0.01) must be below 1/540 (one over the training rows)"),
        new("a DP clipping norm of zero", "train -d @clicks.csv --task click:click:binary --dp-epsilon 1 --dp-clip 0 -o @out.zip", "The clipping norm C must be finite and > 0; got 0. (--dp-clip)"),
        new("a DP user column that is not in the file", "train -d @clicks.csv --task click:click:binary --dp-epsilon 1 --dp-unit user:customer -o @out.zip",
            "The user column 'customer' of user-level privacy (--dp-unit user:customer) is not in the data"),
        new("a DP unit that is neither example nor user", "train -d @clicks.csv --task click:click:binary --dp-epsilon 1 --dp-unit person -o @out.zip",
            "The privacy unit 'person' is neither 'example' nor 'user:COLUMN'"),
        new("both a DP target epsilon and a noise multiplier", "train -d @clicks.csv --task click:click:binary --dp-epsilon 1 --dp-noise 1 -o @out.zip",
            "Give either a target ε (σ is solved for it) or a noise multiplier σ (ε is reported), not both. (--dp-noise)"),
        new("gradient surgery under DP", "train -d @clicks.csv --task click:click:binary --task watch:watch:regression --weighting pcgrad --dp-epsilon 1 -o @out.zip",
            "The 'pcgrad' weighting combines per-task gradients of the whole batch, which DP-SGD never forms"),
        new("DP settings in an experiment", "experiment -d @clicks.csv --task click:click:binary --dp-epsilon 1 --train-time 60 -o @exp",
            "--dp-epsilon: an experiment trains many models on the same rows, and their privacy losses add up"),
        new("a privacy audit without held-out rows", "train -d @clicks.csv --task click:click:binary --privacy-audit -o @out.zip", "--privacy-audit attacks the model with held-out rows: give them with --test-dataset"),
        new("a privacy audit of a training file that is not there", "evaluate -m @clicks.zip -d @clicks.csv --privacy-audit @nope.csv", "--privacy-audit '"),

        // Conflicts
        new("--freeze without --warm-start", "train -d @clicks.csv --task click:click:binary --freeze Shared -o @out.zip", "--freeze Shared needs --warm-start"),
        new("one column as two tasks' label", "train -d @clicks.csv --task a:click:binary --task b:click:regression -o @out.zip", "'a' and 'b' both learn from column 'click'"),
        new("a label also ignored", "train -d @clicks.csv --task click:click:binary --ignore-cols click -o @out.zip", "Column 'click' is a task's label and also in the ignored columns"),
        new("ESMM among compare's architectures for one task: told before any trains", "compare -d @clicks.csv --task click:click:binary --test-dataset @clicks.csv --architectures MMoE,ESMM --baselines false",
            "ESMM needs exactly two binary tasks"),
        new("ESMM with one task", "train -d @clicks.csv --task click:click:binary --architecture ESMM -o @out.zip", "ESMM needs exactly two binary tasks, click (CTR) then click-and-convert (CTCVR); got click (Binary)"),
        new("a thousand threads", "train -d @clicks.csv --task click:click:binary --threads 1000 -o @out.zip", "Threads must be between 1 and 256"),
        new("an unknown encoder", "train -d @clicks.csv --task click:click:binary --encoder Dense -o @out.zip", "--encoder 'Dense' is not OneHot, Embedding, Auto."),
        new("an embedding of size 0", "train -d @clicks.csv --task click:click:binary --encoder Embedding --embedding-size 0 -o @out.zip", "EmbeddingSize must be in [1, 1024]. (--embedding-size)"),
        new("a negative embedding L2", "train -d @clicks.csv --task click:click:binary --embedding-l2 -1 -o @out.zip", "EmbeddingL2 must be finite and ≥ 0. (--embedding-l2)"),
        new("an unknown interaction", "train -d @clicks.csv --task click:click:binary --interaction fm2 -o @out.zip", "--interaction 'fm2' is not None, FM, Cross."),
        new("no cross layers", "train -d @clicks.csv --task click:click:binary --interaction Cross --cross-layers 0 -o @out.zip", "CrossLayers must be in [1, 16]. (--cross-layers)"),
        new("a negative cross rank", "train -d @clicks.csv --task click:click:binary --interaction Cross --cross-rank -4 -o @out.zip", "CrossRank must be in [0, 1024] (0: full rank). (--cross-rank)"),
        new("an embedding optimizer that does not exist", "train -d @clicks.csv --task click:click:binary --embedding-optimizer Adagrad -o @out.zip", "Adagrad"),
        new("a bag pooling that does not exist", "train -d @clicks.csv --task click:click:binary --bag-pooling Max -o @out.zip", "Max"),
        new("a zero Adagrad rate", "train -d @clicks.csv --task click:click:binary --embedding-optimizer RowWiseAdagrad --adagrad-learning-rate 0 -o @out.zip",
            "AdagradLearningRate must be finite and > 0. (--adagrad-learning-rate)"),
        new("no cross layers in every trial", "experiment -d @clicks.csv --task click:click:binary --cross-layers 0 -o @exp", "CrossLayers must be in [1, 16]. (--cross-layers)"),
        new("zero seeds", "study --seeds 0", "Seeds must be at least 1"),
        new("a layer width that is not a number", "train -d @clicks.csv --task click:click:binary --bottom 64,x -o @out.zip", "'x' in '64,x' is not a layer width"),
        new("too little memory for the run", "train -d @clicks.csv --task click:click:binary --memory-limit 1 -o @out.zip", "over the memory limit of 1 MiB (MemoryLimitMegabytes; --memory-limit on the command line)"),
        new("too few text features", "train -d @clicks.csv --task click:click:binary --text-features 10 -o @out.zip", "--text-features must be at least 64"),
        new("a file as the embedding cache", "train -d @clicks.csv --task click:click:binary --embedding-cache @clicks.csv -o @out.zip", "is a file; give the folder to keep encoded text and image vectors in"),

        // Paths, checked before any training
        new("a data file that does not exist", "train -d @nope.csv --task click:click:binary -o @out.zip", "--dataset"),
        new("a data file that does not exist: which", "train -d @nope.csv --task click:click:binary -o @out.zip", "nope.csv': no such file"),
        new("a distributed timeout that is not positive", "train -d @clicks.csv --task click:click:binary --distributed mpi --distributed-timeout 0 -o @out.zip",
            "--distributed-timeout 0 must be a positive number of seconds."),
        new("resuming without a checkpoint", "train -d @clicks.csv --task click:click:binary --resume -o @out.zip",
            "out.zip.checkpoint' to resume from: a run writes one every 1,000 steps when asked (Checkpoint.EverySteps; on the command line --checkpoint-every N)."),
        new("starting afresh over a checkpoint", "train -d @clicks.csv --task click:click:binary --checkpoint-every 50 --checkpoint @stale.checkpoint -o @out.zip",
            "stale.checkpoint' exists, left by an interrupted or earlier run: resume it (Checkpoint.Resume; on the command line --resume), or delete or move it to start afresh."),
        new("resuming from a file that is not a checkpoint", "train -d @clicks.csv --task click:click:binary --resume --checkpoint @stale.checkpoint -o @out.zip",
            "stale.checkpoint': it is not an MlNetMtl checkpoint."),
        new("checkpoints every zero steps", "train -d @clicks.csv --task click:click:binary --checkpoint-every 0 -o @out.zip", "--checkpoint-every 0 must be a number of steps ≥ 1."),
        new("a checkpoint file without checkpoints", "train -d @clicks.csv --task click:click:binary --checkpoint @run.checkpoint -o @out.zip",
            "--checkpoint names where checkpoints go: add --checkpoint-every N to write them, or --resume to continue from one."),
        new("an empty folder as the data", "train -d @afolder.csv --task click:click:binary -o @out.zip", "afolder.csv' holds no data files (.parquet, or .csv, .tsv, .txt) to read as shards of one table."),
        new("a folder of shards whose columns differ", "train -d @shards-differ --task click:click:binary -o @out.zip", "every shard of"),
        new("a folder of shards whose columns differ: which", "train -d @shards-differ --task click:click:binary -o @out.zip", "part-2.csv' has the columns user, category, income, click, watch;"),
        new("a Parquet column of lists", "train -d @lists.parquet --task id:id:regression -o @out.zip", "Column 'tags' of"),
        new("a Parquet column of lists: what to write", "train -d @lists.parquet --task id:id:regression -o @out.zip", "holds lists, which MlNetMtl does not read: write a list as text, its values joined by | (a multi-valued column)."),
        new("a text file named .parquet", "train -d @fake.parquet --task a:a:regression -o @out.zip", "fake.parquet' is not a Parquet file that can be read"),
        new("a test file that does not exist", "train -d @clicks.csv --task click:click:binary --test-dataset @nope.csv -o @out.zip", "--test-dataset"),
        new("an output folder that does not exist", "train -d @clicks.csv --task click:click:binary -o @missing/m.zip", "the folder"),
        new("an output folder that does not exist: which", "train -d @clicks.csv --task click:click:binary -o @missing/m.zip", "missing' does not exist"),
        new("an output folder that cannot be written", "train -d @clicks.csv --task click:click:binary -o /sys/mlnet-mtl-model.zip", "the folder '/sys' cannot be written"),
        new("a warm start that does not exist", "train -d @clicks.csv --task click:click:binary --warm-start @nope.zip -o @out.zip", "--warm-start"),
        new("train writing over its data", "train -d @clicks.csv --task click:click:binary -o @clicks.csv", "is one of this command's input files"),
        new("predict writing over its input", "predict -m @clicks.zip -d @clicks.csv -o @clicks.csv", "is one of this command's input files; write the output to another file"),
        new("predict writing over the model", "predict -m @clicks.zip -d @clicks.csv -o @clicks.zip", "is one of this command's input files; write the output to another file"),
        new("generate into a missing folder", "generate -o @missing/g.csv", "missing' does not exist"),
        new("an image path that names no file", "train -d @covers-missing.csv --task liked:liked:binary -o @out.zip", "Column 'cover' names the image \"covers/lost.png\", but"),
        new("a column set to image that holds no paths", "train -d @clicks.csv --task click:click:binary --role category=image -o @out.zip", "Column 'category' names the image \""),
        new("an image file that is not an image", "train -d @covers-notimage.csv --task liked:liked:binary -o @out.zip", "notes.png is not an image that can be read (PNG, JPEG, BMP, GIF, WebP or ICO)"),
        new("cold start: the test rows over the training rows", "generate --generator ColdStart -o @c.csv --test-output @c.csv", "give the test rows a file of their own"),
        new("cold start: the default test file is already there", "generate --generator ColdStart -o @mine.csv", "mine.test.csv' exists, and the test rows would replace it: name their file with --test-output"),
        new("multi-domain: the default test file is already there", "generate --generator MultiDomain -o @mine.csv", "mine.test.csv' exists, and the test rows would replace it: name their file with --test-output"),

        // Model files
        new("a model without its input schema", "evaluate -m @noschema.zip -d @clicks.csv", "lacks its input schema (the zip entry 'Schema')"),
        new("a damaged model", "evaluate -m @damaged.zip -d @clicks.csv", "is not a readable model"),
        new("a file that is not a model", "predict -m @notamodel.zip -d @clicks.csv -o @predictions.csv", "notamodel.zip' is not a readable model"),
        new("a file shorter than any zip", "predict -m @tiny.zip -d @clicks.csv -o @predictions.csv", "tiny.zip' is not a readable model: it holds 12 bytes, and a model is a zip archive of at least 22."),
        new("serve: a file shorter than any zip", "serve -m @tiny.zip --port 5099", "tiny.zip' is not a readable model: it holds 12 bytes"),
        new("a model that does not exist", "evaluate -m @nope.zip -d @clicks.csv", "--model"),
        new("ONNX: export over the model", "export -m @clicks.zip -o @clicks.zip", "is one of this command's input files; write the output to another file"),
        new("ONNX: export of a model that does not exist", "export -m @nope.zip -o @x.onnx", "--model"),
        new("ONNX: predict of an image model whose image is not there", "predict -m @covers.zip -d @covers-missing.csv -o @p.csv --engine onnx", "Column 'cover' names the image \"covers/lost.png\", but"),
        new("ONNX: predict of an image model whose image is not an image", "predict -m @covers.zip -d @covers-notimage.csv -o @p.csv --engine onnx", "notes.png is not an image that can be read (PNG, JPEG, BMP, GIF, WebP or ICO)"),
        new("serve: a model that does not exist", "serve -m @nope.zip", "--model"),
        new("serve: a file that is not a model", "serve -m @notamodel.zip --port 5099", "notamodel.zip' is not a readable model"),
        new("serve: a port out of range", "serve -m @clicks.zip --port 0", "--port must be positive; got 0."),
        new("serve: a host that is no address", "serve -m @clicks.zip --host example.invalid", "--host 'example.invalid' is not localhost, * or an IP address."),
        new("a group column not in the data", "evaluate -m @clicks.zip -d @clicks.csv --group-col team", "--group-col 'team' is not a column"),

        // The experiment's folder and search
        new("an output folder with the user's files", "experiment -d @clicks.csv --task click:click:binary --train-time 5 -o @userdir",
            "holds 3 entries an experiment did not write (clicks.csv, notes.txt, trials.csv); choose a new or empty folder, or add --force"),
        new("-o . in the user's folder", "experiment -d clicks.csv --task click:click:binary --train-time 5 -o .", "holds 3 entries an experiment did not write", WorkingDirectory: "userdir"),
        new("--force would replace the input", "experiment -d trials.csv --task click:click:binary --train-time 5 -o . --force",
            "would replace the input file", WorkingDirectory: "userdir"),
        new("an output that is a file", "experiment -d @clicks.csv --task click:click:binary --train-time 5 -o @afile", "afile' is a file; the experiment writes a folder"),
        new("a time split on a column that is not there", "experiment -d @clicks.csv --task click:click:binary --split-by time:day -o @exp", "--split-by 'day' is not a column of the data"),
        new("a group split without a group", "experiment -d @clicks.csv --task click:click:binary --split-by group -o @exp", "--split-by group holds whole groups of --group-col out"),
        new("a time split on text", "experiment -d @clicks.csv --task click:click:binary --split-by time:category -o @exp", "A time split needs a numeric time column"),
        new("a thousand threads per trial", "experiment -d @clicks.csv --task click:click:binary --threads 1000 -o @exp", "Threads must be between 1 and 256"),
        new("a metric of the wrong kind", "experiment -d @clicks.csv --task click:click:binary --task watch:watch:regression --metric auc:watch -o @exp", "use rmse:watch or r2:watch"),
    ];

    /// <summary>
    /// What used to go wrong without a word, now right and said: the fragment is looked for on standard output, the exit
    /// code is 0, and standard error is empty. <c>@run/</c> is a fresh folder for the row's outputs.
    /// </summary>
    private static readonly Case[] Outcomes =
    [
        new("a quoted number with a leading space is a number", "train -d @quoted.csv --task label:label:binary --epochs 1 -o @run/m.zip", "numbers, 7 distinct", 0),
        new("inf, -Infinity and 1e39 are numbers read as missing, and said so", "train -d @ratio.csv --task label:label:binary --epochs 1 -o @run/m.zip",
            "note: Column 'ratio': 3 infinite value(s) (the first, 'inf', at line 5) are read as missing and replaced by the column's mean.", 0),
        new("text after 6,000 numbers makes the column text, and says where", "train -d @late.csv --task label:label:binary --epochs 1 -o @run/m.zip",
            "'unknown' at line 6002 is not a number", 0),
        new("line breaks inside quotes keep one row per record", "predict -m @clicks.zip -d @multiline.csv -o @run/p.csv", "Wrote 600 rows of predictions", 0),
        new("a text label with its positive value trains", "train -d @adult.csv --task income:income:binary:positive=>50K --epochs 1 -o @run/m.zip",
            "note: Task 'income': label '>50K' is positive; '<=50K' negative.", 0),
        new("empty label cells masked", "train -d @clicks-gaps.csv --task click:click:binary --missing-labels mask --epochs 1 -o @run/m.zip", "Saved the model", 0),
        new("multiclass: train with a test set", "train -d @colors.csv --task color:color:multiclass --epochs 1 --test-dataset @colors.csv -o @run/m.zip", "│ color │ Multiclass │", 0),
        new("metrics per domain", "evaluate -m @clicks.zip -d @clicks.csv --domain-col category", "click: row-weighted mean over category of AUC", 0),
        new("multiclass: evaluate", "evaluate -m @colors.zip -d @colors.csv", "│ color │ Multiclass │", 0),
        new("multiclass: predict writes class names", "predict -m @colors.zip -d @colors.csv -o @run/p.csv", "Wrote 600 rows of predictions (color, click)", 0),
        new("multiclass: demo", "demo --kind Multiclass --rows 2000 --epochs 2 --dimension 10 -o @run/demo.zip", "identical predictions on all 500 test rows", 0),
        new("multiclass: generate", "generate --kind Multiclass --rows 50 -o @run/g.csv", "2 multiclass labels", 0),
        new("a Parquet file trains", "train -d @clicks.parquet --task click:click:binary --ignore-cols user --epochs 1 -o @run/m.zip", "Saved the model", 0),
        new("a folder of CSV shards trains as one table", "train -d @shards --task click:click:binary --ignore-cols user --epochs 1 -o @run/m.zip", "Saved the model", 0),
        new("Parquet rows are predicted", "predict -m @clicks.zip -d @clicks.parquet -o @run/p.csv", "Wrote 600 rows of predictions", 0),
        new("an image column is inferred and trains", "train -d @covers.csv --task liked:liked:binary --epochs 1 -o @run/m.zip", "image file paths (.png, .jpg …), 6 distinct", 0),
        new("an experiment with a text column chooses its text encoder by a trial of each", "experiment -d @multiline.csv --task click:click:binary --train-time 8 --max-epochs 1 --baselines false -o @run/exp",
            "trial at its defaults on each featurization gives mean-score MiniLm", 0),
        new("multi-domain: generate writes test rows of the same domains", "generate --generator MultiDomain --rows 2000 -o @run/d.csv", "impressions of 5 domains (d0 ", 0),
        new("multi-domain: generate names the test file", "generate --generator MultiDomain --rows 2000 -o @run/d.csv", "and 500 more of the same domains to ", 0),
        new("STAR with a test set reports each domain", "train -d @clicks.csv --task click:click:binary --ignore-cols user --architecture STAR --domain-col category --epochs 1 --test-dataset @clicks.csv -o @run/m.zip",
            "click: row-weighted mean over category of AUC", 0),
        new("a domain unseen in training is said to be scored by the shared part", "evaluate -m @clicks-star.zip -d @clicks-newcategory.csv --domain-col category",
            "Not seen in training, so scored by the model's shared part alone: category c9 (200 rows)", 0),
        new("compare per domain, trees beside the networks", "compare -d @clicks.csv --test-dataset @clicks.csv --task click:click:binary --ignore-cols user --domain-col category --architectures STAR --epochs 1",
            "│ click │ FastTree (single-task)", 0),
        new("compare per domain: no domain large enough for a model of its own", "compare -d @clicks.csv --test-dataset @clicks.csv --task click:click:binary --ignore-cols user --domain-col category --architectures MMoE --epochs 1 --baselines false",
            "Separate models per category: none, no category has 1,000 training rows (the table leaves them out).", 0),
        new("a domain unseen in training is predicted", "predict -m @clicks-star.zip -d @clicks-newcategory.csv -o @run/p.csv", "Wrote 600 rows of predictions (click)", 0),
        new("ONNX: export writes one model with every output column", "export -m @clicks.zip -o @run/clicks.onnx",
            "outputs click.Score, click.Probability, click.PredictedLabel, watch.Score.", 0),
        new("ONNX: a scenario-aware model exports", "export -m @clicks-star.zip -o @run/star.onnx", "outputs click.Score, click.Probability, click.PredictedLabel.", 0),
        new("ONNX: predict through ONNX Runtime", "predict -m @colors.zip -d @colors.csv -o @run/p.csv --engine onnx", "Wrote 600 rows of predictions (color, click)", 0),
        new("ONNX: an n-gram text model exports", "export -m @titles.zip -o @run/titles.onnx", "inputs price, title; outputs click.Score, click.Probability, click.PredictedLabel.", 0),
        new("ONNX: an n-gram text model predicts through ONNX Runtime", "predict -m @titles.zip -d @titles.csv -o @run/t.csv --engine onnx", "Wrote 300 rows of predictions (click)", 0),
        new("ONNX: a sentence-vector (MiniLM) text model exports", "export -m @titles-minilm.zip -o @run/minilm.onnx", "inputs price, title; outputs click.Score, click.Probability, click.PredictedLabel.", 0),
        new("ONNX: an image model exports, its image column read as pixels", "export -m @covers.zip -o @run/covers.onnx",
            "cover.Pixels holds what the graph cannot open: The image named in column 'cover' as ResNet18 reads it: its red, green and blue planes, 224 x 224 values each", 0),
        new("ONNX: an image model predicts through ONNX Runtime, its pixels read from the files", "predict -m @covers.zip -d @covers.csv -o @run/c.csv --engine onnx", "Wrote 60 rows of predictions (liked)", 0),
        new("ONNX: a sentence-vector (MiniLM) text model predicts through ONNX Runtime", "predict -m @titles-minilm.zip -d @titles-minilm.csv -o @run/m.csv --engine onnx", "Wrote 60 rows of predictions (click)", 0),
        new("cold start: generate", "generate --generator ColdStart --rows 400 -o @run/c.csv", "new items (titled with words no training title has)", 0),
        new("a binary and a regression task are searched on every task's score, and --group-col leaves the split random",
            "experiment -d @clicks.csv --task click:click:binary --task watch:watch:regression --group-col user --train-time 3 --max-epochs 1 --baselines false -o @run/exp",
            "metric mean-score (mean over tasks of AUC (binary), macro AUC (multiclass) and R² (regression); higher is better) on the validation rows, test and validation rows held out at random", 0),
    ];

    private string _directory = null!;

    [OneTimeSetUp]
    public void WriteFiles()
    {
        _directory = Directory.CreateTempSubdirectory("mlnet-mtl-catalogue-").FullName;
        CatalogueFiles.Write(_directory);
    }

    [OneTimeTearDown]
    public void DeleteFiles() => Directory.Delete(_directory, recursive: true);

    private static IEnumerable<TestCaseData> Rows() => Cases.Select(c => new TestCaseData(c).SetName($"Catalogue: {c.Name}"));

    [TestCaseSource(nameof(Rows))]
    public void TheCause_IsOneLine_AndNothingOfTheUsersChanges(Case row)
    {
        var before = Snapshot();
        var args = row.CommandLine.Split(' ').Select(a => a.StartsWith('@') ? Path.Combine(_directory, a[1..]) : a).ToArray();
        var (exit, output, error) = CliProcess.RunSeparately(row.WorkingDirectory is null ? null : Path.Combine(_directory, row.WorkingDirectory), args);
        var errorLines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Multiple(() =>
        {
            Assert.That(exit, Is.EqualTo(row.Exit), output + error);
            Assert.That(errorLines, Has.Length.EqualTo(1), "one line on standard error:\n" + error);
            Assert.That(errorLines.FirstOrDefault(), Does.StartWith("error: ").And.Contain(row.Message));
            Assert.That(Snapshot(), Is.EqualTo(before), "no file of the user's folder created, changed or deleted");
        });
    }

    private static IEnumerable<TestCaseData> OutcomeRows() => Outcomes.Select(c => new TestCaseData(c).SetName($"Outcome: {c.Name}"));

    [TestCaseSource(nameof(OutcomeRows))]
    public void WhatWasSilent_IsRightAndSaid(Case row)
    {
        string run = Path.Combine(_directory, "run");
        Directory.CreateDirectory(run);
        try
        {
            var args = row.CommandLine.Split(' ').Select(a => a.StartsWith('@') ? Path.Combine(_directory, a[1..]) : a).ToArray();
            var (exit, output, error) = CliProcess.RunSeparately(null, args);
            Assert.That(exit, Is.EqualTo(row.Exit), output + error);
            Assert.That(error, Is.Empty);
            Assert.That(output, Does.Contain(row.Message));
        }
        finally
        {
            Directory.Delete(run, recursive: true);
        }
    }

    /// <summary>Every file under the folder with its size and last write time, and every folder (a folder's own time changes when a probe file comes and goes).</summary>
    private SortedDictionary<string, (long, DateTime)> Snapshot() =>
        new(Directory.EnumerateFileSystemEntries(_directory, "*", SearchOption.AllDirectories).ToDictionary(
            p => Path.GetRelativePath(_directory, p), p => File.Exists(p) ? (new FileInfo(p).Length, File.GetLastWriteTimeUtc(p)) : (-1L, DateTime.MinValue)), StringComparer.Ordinal);
}
