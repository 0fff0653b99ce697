"""The lessons in English: section titles, and per lesson its title, one line (summary),
a few paragraphs (body), things to try, a question the run answers, and its answer.
"presets" names the compared presets (catalog.Lesson.more)."""

SECTIONS = {
    "perceptron": "1. The perceptron",
    "mlp": "2. The multi-layer perceptron",
    "learning": "3. How a network learns",
    "activations": "4. Activation functions",
    "keras": "5. Training, the Keras way",
    "images": "6. Images and convolutional networks",
    "text": "7. Text preprocessing",
    "rnn": "8. Embeddings and recurrent networks",
}

LESSONS = {
    "perceptron": {
        "title": "The perceptron on separable data",
        "summary": "One unit, two weights and a bias: a straight line between two clouds of points.",
        "body": (
            "Rosenblatt's perceptron (1958) is a single neuron. It multiplies each input (here the point's x1 and x2) "
            "by a weight, adds a bias, and passes the sum through a step: 1 if it is positive, 0 otherwise. Everything "
            "on one side of the line w1·x1 + w2·x2 + b = 0 is one class, everything on the other side the other.",
            "Training nudges the weights after every misclassified point, towards the right answer. When the two "
            "classes can be split by a straight line (they are linearly separable), this rule is guaranteed to find "
            "such a line.",
            "The preset trains exactly that on two Gaussian clouds. Watch the boundary turn and slide until it falls "
            "between them.",
        ),
        "try": (
            "Press Train, then Reset and train again with another data seed (the dice): does it always find a line?",
            "Raise the noise so the clouds overlap: what happens to the test accuracy, and does the line stop moving?",
            "Press Step a few times instead of Train: the line moves only when a point was on the wrong side.",
        ),
        "question": "How many parameters does this perceptron learn?",
        "answer": "Three: two weights (one per input) and one bias. The network diagram and the layer table both show "
        "3 parameters.",
    },
    "perceptron-xor": {
        "title": "The perceptron fails on XOR",
        "summary": "No single straight line separates XOR's four quadrants.",
        "body": (
            "XOR labels a point by whether x1 and x2 have the same sign: two opposite quadrants are one class, the "
            "other two the other. Try to draw one straight line that puts both blue quadrants on one side and both "
            "orange ones on the other: you cannot.",
            "A perceptron can only draw one straight line, so whatever it learns, at least one quadrant is wrong. "
            "Minsky and Papert's 1969 book made this limitation famous, and research on neural networks slowed for "
            "years.",
            "Train the preset and watch the line wander: the accuracy stays near 50 to 75 % however long it trains.",
        ),
        "try": (
            "Train for more epochs: does the test accuracy ever pass about 75 %?",
            "Add x1·x2 to the input features and train again: a single unit now solves it. Why?",
        ),
        "question": "What is the best test accuracy a single straight line can reach on XOR?",
        "answer": "About 75 %: a line can put three quadrants on the correct side at best, never all four.",
    },
    "mlp-xor": {
        "title": "A multi-layer perceptron solves XOR",
        "summary": "One hidden layer of four units bends the boundary.",
        "body": (
            "A multi-layer perceptron (MLP) puts a hidden layer between the inputs and the output. Each hidden unit "
            "draws its own line and passes its result through a non-linear activation (here tanh); the output unit "
            "then combines those lines.",
            "Combining several lines gives a boundary that can bend and close: XOR's two diagonals are no longer a "
            "problem. The thumbnails in the network diagram show what each hidden unit has learned: each is one line, "
            "softened by tanh.",
            "The training uses a smooth loss (cross-entropy) and gradient descent instead of the perceptron rule, "
            "because the step function has no useful slope: the next section explains how.",
        ),
        "try": (
            "Remove hidden units one by one (the − button above the layer) and train again: how few are enough for "
            "XOR?",
            "Add a second hidden layer and press Train again: what happens to the XOR boundary and the speed of "
            "learning?",
            "Change the hidden activation to linear: can the network still solve XOR?",
        ),
        "question": "With the hidden activation set to linear, does the network solve XOR?",
        "answer": "No. A stack of linear layers is itself one linear function, so the boundary is a straight line "
        "again and the accuracy stays near that of the perceptron. The non-linearity is what makes hidden layers "
        "useful.",
    },
    "backpropagation": {
        "title": "Forward pass, back-propagation and gradient descent",
        "summary": "Predict, measure the loss, send the error back, take a small step downhill.",
        "body": (
            "One training step has four parts. The forward pass feeds a mini-batch through the layers to get "
            "predictions. The loss function measures how wrong they are. Back-propagation uses the chain rule to "
            "compute, layer by layer from the output back to the input, how much each weight contributed to the loss: "
            "its gradient.",
            "Gradient descent then moves every weight a little against its gradient: w ← w − learning rate × gradient. "
            "Repeated thousands of times, these small steps go downhill on the loss surface.",
            "This preset is TensorFlow Playground's default network on the circle data. The loss chart shows the "
            "training and test loss falling; the thumbnails show each neuron's output as its weights change.",
        ),
        "try": (
            "Press Step (not Train) a few times: one mini-batch per press. Watch the iteration counter and the loss.",
            "Press Train, then Pause part way, and look at the weights between the layers (the line thickness): which "
            "ones grew?",
            "Switch the optimizer from SGD to Adam and train again: does the loss fall faster?",
        ),
        "question": "How many iterations (weight updates) happen in one epoch here?",
        "answer": "25: 500 points with half kept for the test leave 250 for training, and 250 / batch size 10 = 25 "
        "mini-batches, so 25 updates per epoch (5,000 over 200 epochs). The Iteration counter shows it.",
    },
    "learning-rate": {
        "title": "The learning rate: too small, about right, too large",
        "summary": "The same network at 0.001, 0.03 and 10.",
        "body": (
            "The learning rate sets how big each gradient-descent step is. Too small, and training crawls: the loss "
            "falls, but after 200 epochs the network is still far from done. About right, and the loss falls steadily "
            "to near zero.",
            "Too large, and every step overshoots the bottom of the valley and lands higher up the other side. The "
            "loss grows instead of shrinking until the numbers overflow: the run stops as diverged and says so.",
            "The three presets below are the same network, data and seed; only the learning rate differs. Open each in "
            "turn and compare the loss curves (the log scale helps).",
        ),
        "presets": {"lr_too_small": "Learning rate 0.001 (too small)", "lr_too_large": "Learning rate 10 (too large)"},
        "try": (
            "Train at 0.03, then open 0.001 and train: how far has the loss come after the same number of epochs?",
            "Open the learning rate 10 preset and press Train: what does the status line say, and at which iteration?",
            "While a run trains, change the learning rate field: the new rate applies from the next step on.",
        ),
        "question": "What happens to the run at learning rate 10?",
        "answer": "It diverges within the first epoch: the loss becomes infinite or NaN, the run stops, and the page "
        "explains that the learning rate is probably too high.",
    },
    "activations": {
        "title": "Activation functions compared",
        "summary": "tanh, ReLU, sigmoid and linear on the same problem.",
        "body": (
            "An activation function is applied to each unit's weighted sum. Without one (linear), any number of layers "
            "collapses into one linear map. tanh squashes to (−1, 1) and is centred on zero; sigmoid squashes to (0, "
            "1); ReLU keeps positive values and zeroes the rest, which is cheap and keeps gradients alive in deep "
            "networks.",
            "Where the curve is flat (tanh or sigmoid far from zero) the gradient is nearly zero and learning stalls: "
            "the vanishing gradient. ReLU has no flat side for positive inputs, which is one reason deep networks use "
            "it.",
            "The output layer's activation follows the task: sigmoid for two classes, softmax for several, linear for "
            "a number.",
        ),
        "presets": {"spiral_deep": "Spiral, six ReLU layers"},
        "try": (
            "Set every hidden layer to ReLU and train: how does the circle's boundary look (curved or made of straight "
            "pieces)?",
            "Set them to sigmoid: compare the number of epochs until the test loss is low.",
            "Set them to linear: can the network still draw the circle?",
        ),
        "question": "Which hidden activation cannot learn the circle at all?",
        "answer": "Linear: the whole network is then one linear function and its boundary a straight line, so about "
        "half the points stay on the wrong side.",
    },
    "mini-batches": {
        "title": "compile, fit, evaluate, predict: mini-batches, epochs and iterations",
        "summary": "The Keras workflow behind every run, and how the data is cut into mini-batches.",
        "body": (
            "In Keras a model is built (Sequential with its layers), compiled (the optimizer, the loss and the "
            "metrics), fitted on the training data, evaluated on the test data, and used to predict. The Code tab "
            "under the charts shows this script for whatever is on the page, and downloading it reproduces the same "
            "run.",
            "fit does not use all the data at once. It shuffles the training set and cuts it into mini-batches of "
            "batch_size samples; each mini-batch gives one gradient step, called an iteration. One pass over all the "
            "mini-batches is an epoch.",
            "Here: 400 points, half for the test, 200 for training; with a batch size of 16 that is 13 iterations per "
            "epoch (the last mini-batch holds 8), and 60 epochs make 780 iterations.",
        ),
        "try": (
            "Open the Code tab and find model.compile, model.fit, model.evaluate and model.predict.",
            "Set the batch size to 200 (the whole training set, one iteration per epoch) and train: is the loss curve "
            "smoother or slower?",
            "Set the batch size to 1 and train: what happens to the curve and to the speed?",
        ),
        "question": "With a batch size of 200, how many iterations does one epoch have?",
        "answer": "One: the 200 training points fit in a single mini-batch, so each epoch is one gradient step "
        "(full-batch gradient descent).",
    },
    "image-preprocessing": {
        "title": "Image preprocessing: size, colour and scaling",
        "summary": "Before a network sees an image, it becomes a fixed-size grid of numbers between 0 and 1.",
        "body": (
            "A network needs every input to have the same shape. Images are resized to one size (the digits are 8×8 "
            "pixels), turned to grey or kept as colour channels (here one channel, so the shape is 8×8×1), and their "
            "pixel values scaled from 0–255 (or 0–16 for these digits) to 0–1 so the gradients stay in a good range.",
            "The dataset page shows the samples, the classes and the train/test split: open it and look at the picture "
            "of each class. A dense network then flattens the grid into 64 numbers and forgets which pixels were "
            "neighbours.",
            "This preset is that dense network: flatten → 32 ReLU units → softmax over ten digits. Keep its test "
            "accuracy in mind for the next lesson.",
        ),
        "try": (
            "Open the dataset page (link above) and look at the samples: which digits look alike at 8×8?",
            "Train, then draw a digit in the Predict panel: the preprocessed 8×8 version of your drawing is shown "
            "beside the probabilities.",
            "Halve the hidden units to 16 and train again: how much test accuracy is lost?",
        ),
        "question": "How many numbers does the dense network receive for one image?",
        "answer": "64: the 8×8×1 grid is flattened into 64 inputs, so the first dense layer has 64 × 32 + 32 = 2,080 "
        "parameters.",
    },
    "cnn": {
        "title": "A convolutional network: padding, stride, pooling, softmax",
        "summary": "Small filters slide over the image and keep the neighbours together.",
        "body": (
            "A convolution (Conv2D) slides small filters, here eight of 3×3, over the image; each filter computes one "
            "feature map that lights up where its pattern appears. Padding 'same' adds a border of zeros so the output "
            "keeps the input's size; 'valid' adds none and the map shrinks by kernel size − 1. The stride is how far "
            "the filter moves each step: 2 halves the map.",
            "Max pooling keeps the largest value of each 2×2 window: the map halves again and small shifts matter "
            "less. Flatten then lines the maps up for the last dense layer, whose softmax turns ten scores into ten "
            "probabilities that sum to 1.",
            "The stack shows the live kernels and feature maps while it trains, and a confusion matrix of the test "
            "set.",
        ),
        "presets": {"shapes_cnn": "Shapes, two conv layers"},
        "try": (
            "Compare the parameter count and test accuracy with the dense-only network of the previous lesson.",
            "Change the padding to valid, then the stride to 2: read the output shapes in the stack before training.",
            "Remove the max-pool layer and train: what happens to the flatten size and the parameters of the last "
            "layer?",
        ),
        "question": "With padding 'same' and stride 1, what shape do the eight feature maps have on an 8×8 digit?",
        "answer": "8×8×8: 'same' keeps 8×8, and there is one map per filter. After max pooling of 2 it is 4×4×8, which "
        "flattens to 128 numbers.",
    },
    "text-preprocessing": {
        "title": "Text preprocessing step by step",
        "summary": "Cleanup, tokens (eojeol, morphemes, characters), stop words, a vocabulary, then counts or padded "
        "sequences.",
        "body": (
            "A network reads numbers, so a review goes through a pipeline. Cleanup removes what carries no meaning "
            "(HTML, punctuation, repeated spaces). Tokenizing splits it: by eojeol (the space-separated units of "
            "Korean), by morphemes (a morphological analyzer splits 재미있었다 into 재미, 있, 었, 다), or by "
            "characters. Morphemes suit Korean, where particles and endings stick to the words.",
            "Stop words (very common tokens such as particles) may be dropped. The most frequent tokens form the "
            "vocabulary; each becomes an integer, and the rest are out of vocabulary. Then either a bag of words (BoW) "
            "counts how often each vocabulary word appears, losing the order, or the tokens stay a sequence of "
            "integers padded (or cut) to one length.",
            "The NSMC dataset page shows each step on real reviews. This preset uses a bag of words over 1,000 "
            "morphemes.",
        ),
        "try": (
            "Open the dataset page and compare the tokens at the eojeol, morpheme and character level for the same "
            "review.",
            "Train the preset, then type a review in the Predict panel: the tokens it kept are shown, "
            "out-of-vocabulary ones marked.",
            "Lower the vocabulary to 100 words and train again: what happens to the test accuracy?",
        ),
        "question": "In a bag of words, do '재미없지 않다' and '않다 재미없지' look different to the network?",
        "answer": "No: both give the same counts, so the network sees the same input. A bag of words keeps which words "
        "appear and how often, not their order.",
    },
    "bow-vs-rnn": {
        "title": "Bag of words vs an embedding and an RNN",
        "summary": "Word order matters: an embedding and an LSTM read the review in order.",
        "body": (
            "An embedding layer gives every vocabulary word a short vector of numbers (here 64) that is learned with "
            "the rest: words used alike end up close together, which the live projection shows.",
            "A recurrent network (RNN) reads the sequence one token at a time and keeps a hidden state, a memory of "
            "what it has read so far. An LSTM or GRU adds gates that decide what to keep and what to forget, so it "
            "remembers longer than a SimpleRNN. Its last state feeds the sigmoid output: the probability that the "
            "review is positive.",
            "This preset trains an embedding and an LSTM on 30,000 Korean movie reviews (NSMC), split into morphemes. "
            "Compare it with the bag-of-words preset on the same reviews, and with the English GRU.",
        ),
        "presets": {
            "nsmc_bow": "Korean reviews, bag of words",
            "sentiment_bow": "Small corpus, bag of words",
            "sentiment_rnn": "Small corpus, embedding + SimpleRNN",
            "sentiment_en_gru": "English reviews, embedding + GRU",
        },
        "try": (
            "Train, then type 정말 재미있는 영화였다 in the Predict panel, then 재미있을 줄 알았는데 아니었다: do the "
            "probabilities follow the meaning?",
            "Open the bag-of-words preset on the same reviews and compare the test accuracy and the number of "
            "parameters.",
            "Open 'Small corpus, bag of words' and 'Small corpus, embedding + SimpleRNN' and predict 'good, not bad' "
            "and 'bad, not good' with each.",
        ),
        "question": "Which model can tell 'good, not bad' from 'bad, not good'?",
        "answer": "Only the one reading the sequence (embedding + RNN): both sentences have the same words, so a bag "
        "of words gives them the same counts and the same prediction.",
    },
}
