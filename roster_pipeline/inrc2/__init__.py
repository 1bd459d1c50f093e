"""The Second International Nurse Rostering Competition (INRC-II).

- `evaluate_parse`: the evaluator's own reading of the four text file kinds (scenario, history, week
  data, solution) into frozen dataclasses, with `Inrc2FormatError` on bad input;
- `evaluate_references`: the files of one horizon name one scenario and what it defines;
- `evaluate`: the independent evaluator: the competition's hard and soft constraints over a whole
  planning horizon, and the official validator's report text.
"""
