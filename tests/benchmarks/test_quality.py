"""The quality benchmark: its metrics on hand-computed cases, and its whole run on a tiny judged set."""

import gzip
import json
import math

import pytest

from benchmarks.judged import JudgedSet, mean_metrics, ndcg, paired_p_value, parts, read_judged_set, recall, reciprocal_rank
from benchmarks.no_answer_report import Decisions, decline_rates
from benchmarks.quality import main
from benchmarks.runs import rank, rank_all
from retrieval import Library

# --- Metrics -------------------------------------------------------------------------------------------


def test_ndcg_uses_linear_gain_on_graded_judgements():
    grades = {"a": 1, "c": 2, "z": 1}
    # DCG = 1/log2(2) + 0 + 2/log2(4) = 2; ideal order 2, 1, 1 gives 2 + 1/log2(3) + 1/log2(4).
    assert ndcg(["a", "b", "c"], grades) == pytest.approx(2 / (2.5 + 1 / math.log2(3)))
    assert ndcg(["a", "b", "c"], grades, k=1) == pytest.approx(1 / 2)  # the ideal first document has grade 2
    assert ndcg(["c", "a", "z", "b"], grades) == pytest.approx(1.0)
    assert ndcg(["b", "y"], grades) == 0.0
    assert ndcg([], grades) == 0.0


def test_ndcg_at_10_ignores_what_is_ranked_below_10():
    ranked = [f"n{i}" for i in range(10)] + ["a"]
    assert ndcg(ranked, {"a": 1}) == 0.0
    assert ndcg(ranked[1:], {"a": 1}) == pytest.approx(1 / math.log2(11))


def test_recall_is_the_share_of_relevant_documents_in_the_top_k():
    grades = {"a": 1, "c": 1, "z": 2}
    assert recall(["a", "b", "c"], grades, 1) == pytest.approx(1 / 3)
    assert recall(["a", "b", "c"], grades, 3) == pytest.approx(2 / 3)
    assert recall(["a", "b", "c"], grades, 100) == pytest.approx(2 / 3)


def test_reciprocal_rank_counts_the_first_relevant_document_within_k():
    assert reciprocal_rank(["x", "y", "a", "b"], {"a": 1, "b": 1}) == pytest.approx(1 / 3)
    assert reciprocal_rank(["a"], {"a": 1}) == 1.0
    assert reciprocal_rank([f"n{i}" for i in range(10)] + ["a"], {"a": 1}) == 0.0


def test_means_are_over_judged_queries_and_an_unranked_query_scores_zero():
    qrels = {"q1": {"a": 1}, "q2": {"b": 1}}
    metrics = mean_metrics({"q1": ["a"], "q3": ["b"]}, qrels)
    assert metrics["MRR@10"] == pytest.approx(0.5)
    assert metrics["R@1"] == pytest.approx(0.5)
    assert metrics["nDCG@10"] == pytest.approx(0.5)


def test_paired_test_finds_no_difference_between_equal_or_mirrored_results():
    assert paired_p_value([0.5, 0.25, 1.0], [0.5, 0.25, 1.0]) == 1.0
    # One query better by as much as another is worse: the mean difference is 0, every pattern reaches it.
    assert paired_p_value([1.0, 0.0], [0.0, 1.0]) == 1.0


def test_paired_test_is_exact_for_few_questions_and_sampled_for_many():
    # Ten questions all better by the same amount: only the all-plus and all-minus sign patterns of
    # the 1,024 are as extreme.
    assert paired_p_value([1.0] * 10, [0.0] * 10) == pytest.approx(2 / 1024)
    assert paired_p_value([0.6] * 40, [0.5] * 40) < 0.001
    # Noise around no difference is not significant, and the sampled p-value is repeatable.
    ours = [0.5 + 0.1 * ((i * 7) % 5 - 2) for i in range(60)]
    reference = [0.5 + 0.1 * ((i * 3) % 5 - 2) for i in range(60)]
    assert paired_p_value(ours, reference) > 0.2
    assert paired_p_value(ours, reference) == paired_p_value(ours, reference)


def test_decline_rates_split_squad_declines_by_whether_the_best_hit_was_right():
    rates = decline_rates([True, True, False, False], right=[True, False, True, False])
    assert (rates.declined, rates.right_declined, rates.wrong_declined) == (0.5, 0.25, 0.25)
    assert decline_rates([True, False, False, False]).declined == 0.25
    assert decline_rates([]).declined == 0.0


def test_decisions_report_the_librarys_own_and_a_sweep_of_thresholds_on_its_score():
    decisions = Decisions([True, False, False, False], [0.2, 0.4, 0.6, 0.9], [True, False, True, False])
    assert decisions.actual().declined == 0.25  # as the library decided
    assert decisions.at(0.5).declined == 0.5  # had the threshold been 0.5: the scores 0.2 and 0.4
    assert (decisions.at(0.5).right_declined, decisions.at(0.5).wrong_declined) == (0.25, 0.25)
    assert decisions.at(0.3).declined == 0.25
    both = Decisions([True], [0.1]) + Decisions([False], [0.8])
    assert (both.declined, both.scores, both.right) == ([True, False], [0.1, 0.8], None)


# --- A tiny judged set, written by the test ------------------------------------------------------------

DOCS = [
    {"id": "harbour", "title": "The harbour works",
     "text": "The new breakwater protects the fishing fleet from winter storms. Cranes lifted the concrete blocks."},
    {"id": "orchard", "title": "Apple orchards",
     "text": "Growers prune apple trees in late winter so the fruit ripens evenly in autumn."},
    {"id": "comet", "title": "A comet returns",
     "text": "Astronomers expect the comet's tail to be visible to the naked eye in March."},
    # Long enough to be quoted as several passages: it must still rank once, at its best passage.
    {"id": "railway", "title": "The mountain railway",
     "text": " ".join(["The rack railway climbs twelve hundred metres through pine forest to the summit station."] * 9)
     + "\n\n" + "Engineers replaced the cogwheel locomotives with electric railcars in 1998."},
]
QUERIES = {"1": "When do growers prune apple trees?", "2": "What protects the fishing fleet from storms?",
           "3": "When will the comet be visible?", "4": "Which locomotives did the rack railway replace?"}
QRELS = [("1", "orchard", 2), ("2", "harbour", 1), ("3", "comet", 1), ("4", "railway", 1)]


def write_set(folder, docs=DOCS, queries=QUERIES, qrels=QRELS):
    folder.mkdir(parents=True)
    with gzip.open(folder / "corpus.jsonl.gz", "wt", encoding="utf-8") as out:
        out.writelines(json.dumps(d) + "\n" for d in docs)
    (folder / "queries.jsonl").write_text("".join(json.dumps({"id": q, "text": t}) + "\n" for q, t in queries.items()))
    judgements = "".join(f"{q}\t{d}\t{r}\n" for q, d, r in qrels)
    (folder / "qrels.tsv").write_text("query_id\tdoc_id\trelevance\n" + judgements)
    return folder


def test_a_judged_set_is_read_as_the_shared_layout_describes(tmp_path):
    extra_query = {**QUERIES, "5": "an unjudged question"}
    judged = read_judged_set(write_set(tmp_path / "tiny", queries=extra_query, qrels=[*QRELS, ("5", "comet", 0)]))
    assert judged.name == "tiny"
    assert set(judged.queries) == set(judged.qrels) == {"1", "2", "3", "4"}  # grade 0 is not a judgement
    assert judged.qrels["1"] == {"orchard": 2}


def test_the_library_ranks_documents_once_each_at_their_best_passage(tmp_path):
    judged = read_judged_set(write_set(tmp_path / "tiny"))
    library = Library.load(judged.corpus)
    assert library.passage_count("railway") > 1
    ranked = rank_all(library, judged)
    assert all(len(r.documents) == len(set(r.documents)) for r in ranked.values())
    assert mean_metrics({q: r.documents for q, r in ranked.items()}, judged.qrels)["R@1"] == 1.0
    assert rank(library, "railway locomotives", depth=1).documents == ["railway"]


def test_parts_keep_tuning_and_held_out_questions_apart(tmp_path):
    judged = read_judged_set(write_set(tmp_path / "tiny"))
    split = parts(judged)
    assert split["tuning"].keys() | split["held-out"].keys() == judged.qrels.keys()
    assert not split["tuning"].keys() & split["held-out"].keys()
    squad = JudgedSet("squad-v1.1-dev", tmp_path, {}, {"a": {"0_3": 1}, "b": {"1_0": 1}, "c": {"12_4": 1}})
    assert parts(squad) == {"tuning": {"a": {"0_3": 1}, "c": {"12_4": 1}}, "held-out": {"b": {"1_0": 1}}}


def test_the_command_reports_every_set_the_highlight_and_the_no_answer_rates(tmp_path, capsys):
    write_set(tmp_path / "tiny")
    squad = write_set(tmp_path / "squad-v1.1-dev", docs=[{**d, "id": f"{i}_0"} for i, d in enumerate(DOCS)],
                      qrels=[(q, f"{[d['id'] for d in DOCS].index(doc)}_0", 1) for q, doc, _ in QRELS])
    answers = {"1": "late winter", "2": "The new breakwater", "3": "in March", "4": "cogwheel locomotives"}
    questions = [{"id": q, "answers": [{"text": a}]} for q, a in answers.items()]
    with gzip.open(squad / "dev-v1.1.json.gz", "wt", encoding="utf-8") as out:
        json.dump({"data": [{"paragraphs": [{"qas": questions}]}]}, out)

    # SciFact's layout: a test split, and a train split in queries_train.jsonl / qrels_train.tsv.
    scifact = write_set(tmp_path / "scifact")
    (scifact / "queries_train.jsonl").write_text((scifact / "queries.jsonl").read_text())
    (scifact / "qrels_train.tsv").write_text((scifact / "qrels.tsv").read_text())

    assert main(["--data", str(tmp_path), "--sets", "squad-v1.1-dev", "tiny", "scifact", "scifact:train"]) == 0
    out = capsys.readouterr().out
    assert "| tiny | 4 | 1.0000 | 1.0000 | 1.0000 | 1.0000 |" in out  # no recorded baseline for it
    assert "| squad-v1.1-dev (held-out) | 2 |" in out
    assert "Top-1 paragraph 1.0000, top-5 1.0000 (ours / bm25s; targets 0.80 and 0.94)" in out
    assert "holds a gold answer for 1.0000 of the 4 questions" in out
    assert "| questions | count | declined (at 0.5) | < 0.3 | < 0.4 | < 0.45 | < 0.5 |" in out
    assert "| SQuAD, all | 4 | 0.000 (0.000 right, 0.000 wrong)" in out  # as the library decided, then < 0.3 ...
    # The other sets' questions asked of SQuAD's corpus, one row a set, then their tuning and held-out halves.
    assert "| tiny (off-topic) |" not in out and "| scifact (off-topic) | 4 |" in out
    assert "| off-topic, tuning half | 2 |" in out and "| off-topic, held-out half | 2 |" in out
    claims = out.split("## No answer, SciFact's claims against SciFact's corpus (the default threshold is 0.5)")[1]
    assert "| SciFact claims, tuning | 4 | 0.000 (0.000 right, 0.000 wrong)" in claims
    assert "| SciFact claims, held-out | 4 | 0.000 (0.000 right, 0.000 wrong)" in claims
    small = out.split("## No answer in small collections: each of 4 SQuAD articles alone")[1]
    assert "| own questions, tuning | 2 | 0.000 (0.000 right, 0.000 wrong)" in small
    assert "| next article's questions, held-out | 2 | 1.000 |" in small  # another subject entirely
    assert "## nDCG@10 per question, ours against bm25s on the same questions" in out
    assert "| tiny (held-out) | 2 |" in out.split("per question")[1]

