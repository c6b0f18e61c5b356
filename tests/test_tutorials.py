"""The official PyTorch tutorials' training loops, run on minigrad with only
the imports changed.

- "Optimizing Model Parameters" (pytorch.org/tutorials/beginner/basics/optimization_tutorial):
  the NeuralNetwork MLP (Flatten, Sequential of Linear/ReLU), CrossEntropyLoss,
  SGD, and its train_loop / test_loop, on a small synthetic stand-in for
  FashionMNIST (8×8 "images", 3 classes) so that the test is fast.
- "Sequence Models and Long Short-Term Memory Networks"
  (pytorch.org/tutorials/beginner/nlp/sequence_models_tutorial): the LSTMTagger
  with Embedding, LSTM, Linear, log_softmax, NLLLoss and SGD on the
  tutorial's two sentences.

The one line that differs from the tutorials besides the imports: minigrad's
LSTM is minigrad.models.LSTM, not nn.LSTM (docs/differences.md, "nn and
models"), so the tagger's `nn.LSTM(...)` reads `LSTM(...)`. The tests pin
that difference: nn has no LSTM.
"""

import numpy as np

import minigrad as torch                    # the tutorials' `import torch`
import minigrad.nn.functional as F          # `import torch.nn.functional as F`
from minigrad import nn, optim              # `from torch import nn` / `import torch.optim as optim`
from minigrad.models import LSTM            # torch.nn.LSTM lives in minigrad.models


# ---- the MLP tutorial -------------------------------------------------------------

class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(8 * 8, 32),
            nn.ReLU(),
            nn.Linear(32, 32),
            nn.ReLU(),
            nn.Linear(32, 3),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


def train_loop(dataloader, model, loss_fn, optimizer):
    # Set the model to training mode - important for batch normalization and dropout layers
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        # Compute prediction and loss
        pred = model(X)
        loss = loss_fn(pred, y)

        # Backpropagation
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()


def test_loop(dataloader, model, loss_fn):
    # the tutorial's loop; its accuracy count is computed from the returned predictions below
    model.eval()
    num_batches = len(dataloader)
    test_loss = 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
    test_loss /= num_batches
    return test_loss


test_loop.__test__ = False                   # the tutorial's name, not a pytest test


def _synthetic_images(n, seed):
    """A FashionMNIST stand-in: 8×8 images whose class sets which third is bright."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    X = rng.normal(0, 0.5, (n, 8, 8)).astype(np.float32)
    for i, c in enumerate(y):
        X[i, :, c * 2:c * 2 + 3] += 1.0
    batches = [(torch.tensor(X[i:i + 16]), torch.tensor(y[i:i + 16])) for i in range(0, n, 16)]
    return batches, X, y


def test_the_mlp_tutorial_trains():
    torch.manual_seed(0)
    train_dataloader, _, _ = _synthetic_images(256, 0)
    test_dataloader, X_test, y_test = _synthetic_images(128, 1)
    model = NeuralNetwork()
    learning_rate = 1e-1
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)
    before = test_loop(test_dataloader, model, loss_fn)
    epochs = 5
    for t in range(epochs):
        train_loop(train_dataloader, model, loss_fn, optimizer)
    after = test_loop(test_dataloader, model, loss_fn)
    assert after < 0.3 * before, (before, after)
    accuracy = (np.asarray(model(torch.tensor(X_test))).argmax(1) == y_test).mean()
    assert accuracy > 0.9


# ---- the LSTM tagger tutorial --------------------------------------------------------

def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)


training_data = [
    # Tags are: DET - determiner; NN - noun; V - verb
    # For example, the word "The" is a determiner
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"])
]
word_to_ix = {}
# For each words-list (sentence) and tags-list in each tuple of training_data
for sent, tags in training_data:
    for word in sent:
        if word not in word_to_ix:  # word has not been assigned an index yet
            word_to_ix[word] = len(word_to_ix)  # Assign each word with a unique index
tag_to_ix = {"DET": 0, "NN": 1, "V": 2}  # Assign each tag with a unique index

# These will usually be more like 32 or 64 dimensional.
# We will keep them small, so we can see how the weights change as we train.
EMBEDDING_DIM = 6
HIDDEN_DIM = 6


class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim

        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)

        # The LSTM takes word embeddings as inputs, and outputs hidden states
        # with dimensionality hidden_dim.
        self.lstm = LSTM(embedding_dim, hidden_dim)          # the tutorial: nn.LSTM(embedding_dim, hidden_dim)

        # The linear layer that maps from hidden state space to tag space
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


def _total_loss(model, loss_function):
    with torch.no_grad():
        return sum(loss_function(model(prepare_sequence(s, word_to_ix)), prepare_sequence(t, tag_to_ix)).item()
                   for s, t in training_data)


def test_the_lstm_tagger_tutorial_trains():
    torch.manual_seed(1)
    model = LSTMTagger(EMBEDDING_DIM, HIDDEN_DIM, len(word_to_ix), len(tag_to_ix))
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=0.1)
    before = _total_loss(model, loss_function)

    for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
        for sentence, tags in training_data:
            # Step 1. Remember that Pytorch accumulates gradients.
            # We need to clear them out before each instance
            model.zero_grad()

            # Step 2. Get our inputs ready for the network, that is, turn them into
            # Tensors of word indices.
            sentence_in = prepare_sequence(sentence, word_to_ix)
            targets = prepare_sequence(tags, tag_to_ix)

            # Step 3. Run our forward pass.
            tag_scores = model(sentence_in)

            # Step 4. Compute the loss, gradients, and update the parameters by
            #  calling optimizer.step()
            loss = loss_function(tag_scores, targets)
            loss.backward()
            optimizer.step()

    after = _total_loss(model, loss_function)
    assert after < 0.25 * before, (before, after)
    with torch.no_grad():                    # the tutorial's check: the tags of the first sentence
        tag_scores = model(prepare_sequence(training_data[0][0], word_to_ix))
    assert list(np.asarray(tag_scores).argmax(1)) == [0, 1, 2, 0, 1]


def test_lstm_lives_in_models_not_nn():
    """The documented difference: torch.nn.LSTM is minigrad.models.LSTM."""
    assert not hasattr(nn, "LSTM")
    assert LSTM.__module__ == "minigrad.models.rnn"
