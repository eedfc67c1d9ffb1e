"""Reports, the live dashboard and quality review: read-side features over the chat data.

``periods`` turns local dates into UTC instants, ``metrics`` computes every figure from plain facts
(no I/O, so each rule is tested by hand), ``service`` applies who-may-see-what, ``csv`` exports,
``dashboard`` watches the queue live and ``qa`` draws and scores the quality-review sample.
"""
