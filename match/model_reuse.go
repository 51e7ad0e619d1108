package match

var (
	ReuseModel      = &Logit{Mean: make([]float64, 8), Scale: make([]float64, 8), W: make([]float64, 8)}
	RewriteModel    = &Logit{Mean: make([]float64, 8), Scale: make([]float64, 8), W: make([]float64, 8)}
	SimilarityModel = &Logit{Mean: make([]float64, 5), Scale: make([]float64, 5), W: make([]float64, 5)}
)

const (
	DefaultDerived   = 0.5
	DefaultRewrite   = 0.5
	DefaultSameStory = 0.5
)
