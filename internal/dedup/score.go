package dedup

// Scores compares a clustering with ground truth.
type Scores struct {
	Items                             int
	Clusters, Truth                   int
	BCubedPrecision, BCubedRecall     float64
	BCubedF1                          float64
	PairPrecision, PairRecall, PairF1 float64
}

// Score compares predicted cluster labels with true ones, item by item
// (pred[i] and truth[i] label item i): B-cubed and pairwise precision,
// recall and F1.
func Score(pred, truth []string) Scores {
	n := len(pred)
	s := Scores{Items: n}
	if n == 0 || len(truth) != n {
		return s
	}
	predSize, truthSize := map[string]int{}, map[string]int{}
	both := map[[2]string]int{}
	for i := range pred {
		predSize[pred[i]]++
		truthSize[truth[i]]++
		both[[2]string{pred[i], truth[i]}]++
	}
	s.Clusters, s.Truth = len(predSize), len(truthSize)
	for i := range pred {
		shared := float64(both[[2]string{pred[i], truth[i]}])
		s.BCubedPrecision += shared / float64(predSize[pred[i]])
		s.BCubedRecall += shared / float64(truthSize[truth[i]])
	}
	s.BCubedPrecision /= float64(n)
	s.BCubedRecall /= float64(n)
	s.BCubedF1 = f1(s.BCubedPrecision, s.BCubedRecall)
	pairs := func(m map[string]int) float64 {
		var t float64
		for _, k := range m {
			t += float64(k) * float64(k-1) / 2
		}
		return t
	}
	var tp float64
	for _, k := range both {
		tp += float64(k) * float64(k-1) / 2
	}
	if pp := pairs(predSize); pp > 0 {
		s.PairPrecision = tp / pp
	} else {
		s.PairPrecision = 1
	}
	if tpairs := pairs(truthSize); tpairs > 0 {
		s.PairRecall = tp / tpairs
	}
	s.PairF1 = f1(s.PairPrecision, s.PairRecall)
	return s
}

func f1(p, r float64) float64 {
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}
