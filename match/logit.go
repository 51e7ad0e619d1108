package match

import (
	"fmt"
	"math"
)

// Logit is a logistic regression over standardised features:
// P = σ(B + Σ W[i]·(x[i] − Mean[i]) / Scale[i]). The models reprint ships
// are fitted by `go run ./internal/fit` on the development data and
// committed as Go values (model_*.go) beside the name of their data.
type Logit struct {
	Features []string
	Mean     []float64
	Scale    []float64
	W        []float64
	B        float64
}

// Prob returns the model's probability for feature vector x. Features
// beyond the model's own are ignored (a model being refitted on more
// features).
func (m *Logit) Prob(x []float64) float64 {
	z := m.B
	for i, v := range x[:min(len(x), len(m.W))] {
		z += m.W[i] * (v - m.Mean[i]) / m.Scale[i]
	}
	return 1 / (1 + math.Exp(-z))
}

// FitLogit fits a logistic regression to rows X with labels y by Newton's
// method with an L2 penalty l2 on the weights (not the bias). Features
// are standardised first (a constant feature gets scale 1).
func FitLogit(names []string, X [][]float64, y []bool, l2 float64) (*Logit, error) {
	if len(X) == 0 || len(X) != len(y) {
		return nil, fmt.Errorf("fit: %d rows, %d labels", len(X), len(y))
	}
	k := len(X[0])
	m := &Logit{Features: names, Mean: make([]float64, k), Scale: make([]float64, k), W: make([]float64, k)}
	n := float64(len(X))
	for _, r := range X {
		for i, v := range r {
			m.Mean[i] += v / n
		}
	}
	for _, r := range X {
		for i, v := range r {
			d := v - m.Mean[i]
			m.Scale[i] += d * d / n
		}
	}
	for i := range m.Scale {
		m.Scale[i] = math.Sqrt(m.Scale[i])
		if m.Scale[i] < 1e-9 {
			m.Scale[i] = 1
		}
	}
	Z := make([][]float64, len(X)) // standardised rows with a leading 1
	for r, row := range X {
		z := make([]float64, k+1)
		z[0] = 1
		for i, v := range row {
			z[i+1] = (v - m.Mean[i]) / m.Scale[i]
		}
		Z[r] = z
	}
	beta := make([]float64, k+1)
	for iter := 0; iter < 50; iter++ {
		g := make([]float64, k+1)
		H := make([][]float64, k+1)
		for i := range H {
			H[i] = make([]float64, k+1)
		}
		for r, z := range Z {
			s := 0.0
			for i, v := range z {
				s += beta[i] * v
			}
			p := 1 / (1 + math.Exp(-s))
			t := 0.0
			if y[r] {
				t = 1
			}
			w := p * (1 - p)
			for i, vi := range z {
				g[i] += (p - t) * vi
				for j, vj := range z {
					H[i][j] += w * vi * vj
				}
			}
		}
		for i := 1; i <= k; i++ {
			g[i] += l2 * beta[i]
			H[i][i] += l2
		}
		step, err := solve(H, g)
		if err != nil {
			return nil, err
		}
		delta := 0.0
		for i := range beta {
			beta[i] -= step[i]
			delta = max(delta, math.Abs(step[i]))
		}
		if delta < 1e-8 {
			break
		}
	}
	m.B = beta[0]
	copy(m.W, beta[1:])
	return m, nil
}

// solve solves H·x = g by Gaussian elimination with partial pivoting.
func solve(H [][]float64, g []float64) ([]float64, error) {
	n := len(g)
	A := make([][]float64, n)
	for i := range A {
		A[i] = append(append([]float64(nil), H[i]...), g[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(A[r][c]) > math.Abs(A[p][c]) {
				p = r
			}
		}
		if math.Abs(A[p][c]) < 1e-12 {
			return nil, fmt.Errorf("fit: singular system")
		}
		A[c], A[p] = A[p], A[c]
		for r := c + 1; r < n; r++ {
			f := A[r][c] / A[c][c]
			for j := c; j <= n; j++ {
				A[r][j] -= f * A[c][j]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := A[r][n]
		for j := r + 1; j < n; j++ {
			s -= A[r][j] * x[j]
		}
		x[r] = s / A[r][r]
	}
	return x, nil
}
