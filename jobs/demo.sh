#!/usr/bin/env bash
# The embedded demo study: every stage of lmgaze on what ships with it.
#
#   jobs/demo.sh LMGAZE_BINARY OUTPUT_DIR
#
# Models: the six small trained checkpoints in data/models (LLaMA architecture
# in three sizes = scaling; two instruction-tuned variants of toy-m = tuning,
# their pair = the divergence reference; gpt2-toy = the other architecture).
# Text: data/text/demo.txt. Readers: SIMULATED by `lmgaze human simulate`
# (no real eye-tracking data can be bundled); every table made from them says so.
set -euo pipefail

lmgaze=$1
out=$2
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
text=$root/data/text/demo.txt
models=$root/data/models
instruction="Please translate this sentence into German:"
noise="Cigarette first steel convenience champion."

mkdir -p "$out"/{human,attention,analysis,stats}
step() { echo; echo "== $*"; }

step "simulated readers (20 L1, 20 L2)"
"$lmgaze" human simulate --text "$text" --out "$out/human/fixations.csv" --readers L1:20,L2:20 --seed 1
"$lmgaze" human import --text "$text" --fixations "$out/human/fixations.csv" --out "$out/human/readers.h5"
"$lmgaze" human summary "$out/human/readers.h5"

step "attention of every model"
for m in toy-s toy-m toy-l toy-m-chat-a toy-m-chat-b gpt2-toy; do
  "$lmgaze" extract --quiet --model "$models/$m" --text "$text" --out "$out/attention/$m.h5"
done
for m in toy-m toy-m-chat-a; do
  "$lmgaze" extract --quiet --model "$models/$m" --text "$text" --prefix "$instruction" \
    --out "$out/attention/$m.instruction.h5"
  "$lmgaze" extract --quiet --model "$models/$m" --text "$text" --prefix "$noise" \
    --out "$out/attention/$m.noise.h5"
done
"$lmgaze" ntp --model "$out"/attention/{toy-s,toy-m,toy-l,toy-m-chat-a,toy-m-chat-b,gpt2-toy}.h5 \
  --out "$out/analysis/ntp"

step "human resemblance against the noise ceiling"
for g in L1 L2; do
  "$lmgaze" noise-ceiling --human "$out/human/readers.h5" --group $g --out "$out/analysis/noise_ceiling_$g"
  for m in toy-s toy-m toy-l toy-m-chat-a toy-m-chat-b gpt2-toy; do
    "$lmgaze" resemblance --model "$out/attention/$m.h5" --human "$out/human/readers.h5" --group $g \
      --cv 4 --out "$out/analysis/resemblance_${m}_$g" | head -1
  done
done

step "trivial-pattern reliance"
for m in toy-s toy-m toy-l toy-m-chat-a; do
  "$lmgaze" trivial --model "$out/attention/$m.h5" --out "$out/analysis/trivial_$m" | head -1
done
for g in L1 L2; do
  "$lmgaze" trivial --human "$out/human/readers.h5" --group $g --out "$out/analysis/trivial_$g" | head -1
done

step "attention divergence"
"$lmgaze" divergence --a "$out/attention/toy-m-chat-a.h5" --b "$out/attention/toy-m-chat-b.h5" \
  --out "$out/analysis/divergence_reference"
"$lmgaze" divergence --a "$out/attention/toy-m.h5" --b "$out/attention/toy-m-chat-a.h5" \
  --out "$out/analysis/divergence_tuning"
"$lmgaze" divergence --a "$out/attention/toy-m.h5" --b "$out/attention/toy-l.h5" \
  --out "$out/analysis/divergence_scaling"
for m in toy-m toy-m-chat-a; do
  for p in instruction noise; do
    "$lmgaze" divergence --heads per-head --a "$out/attention/$m.h5" --b "$out/attention/$m.$p.h5" \
      --out "$out/analysis/divergence_${m}_$p"
  done
done

step "statistics"
"$lmgaze" stats paired --a "$out/analysis/resemblance_toy-m_L1/resemblance.csv" \
  --b "$out/analysis/resemblance_toy-m-chat-a_L1/resemblance.csv" --out "$out/stats/tuning_L1.csv"
"$lmgaze" stats groups --a "$out/analysis/trivial_L1/trivial.csv" \
  --b "$out/analysis/trivial_L2/trivial.csv" --out "$out/stats/trivial_L1_vs_L2.csv"
# NTP loss against human resemblance (L1), one point per model.
points=$out/stats/ntp_vs_resemblance_points.csv
echo "model,loss,resemblance" > "$points"
for m in toy-s toy-m toy-l toy-m-chat-a toy-m-chat-b gpt2-toy; do
  loss=$(awk -F, -v m=$m '$1 == m {print $2}' "$out/analysis/ntp/ntp.csv")
  res=$(awk -F, '$3 == "max" {print $8}' "$out/analysis/resemblance_${m}_L1/resemblance_summary.csv")
  echo "$m,$loss,$res" >> "$points"
done
"$lmgaze" stats fit --csv "$points" --x loss --y resemblance --out "$out/stats/ntp_vs_resemblance.csv"

echo
echo "demo finished: results in $out (readers are SIMULATED)"
