"""The status issue in each translation repository and the lag numbers both status views
show.
"""
