"""regscreen: screening of business registrations for the 2016 internet-finance rectification.

The library is cut by concept: text normalisation, term lists, matching, clause and
word evidence, exemptions, regions, and the verdict that joins them. Extract readers
live in ``screening.extract``. Nothing here imports Prefect; flows live in ``flows/``.
"""
