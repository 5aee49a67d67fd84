"""The claims catalogue, one package per source text (installed as ``rmtcheck.theory``).

| ID prefix | folder         | text                                                        |
|-----------|----------------|-------------------------------------------------------------|
| RMT       | `classical`    | classical laws: Marchenko–Pastur, interlacing, moments      |
| PAP       | `papyan2020`   | Papyan (2020), class/cross-class structure                  |
| WANG      | `wang2023`     | Wang, Engel, Sarwate, Dumitriu & Chiang (2023), linear width |
| DLN       | `hacohen2022`  | Hacohen & Weinshall (2022), deep linear networks            |
| NTK       | `kopitkov2019` | Kopitkov & Indelman (2019), neural spectrum alignment       |

Each folder holds ``cards.toml`` (its ``[text]`` table declares the prefix; the loader
rejects an ID with another prefix) beside the modules that compute what only that text
defines. The engine reads the cards as data and never imports these packages.
"""
